package io.toolguard.agent.guard;

import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.SecretPattern;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds values that look like credentials in an argument's text and replaces each with its kind and
 * a hash, so that the audit log, the approval page, the terminal prompt and webhook bodies never
 * carry the secret itself, while the same secret is still recognisable by its hash: private key
 * blocks, cloud and code-host access keys, bearer tokens and JSON Web Tokens, and the kinds a
 * policy adds ({@code secrets:}), whose every match is a secret.
 */
final class Secrets {

  /** One kind of secret: its name as shown, and the pattern whose group 1 is the secret. */
  private record Kind(String name, Pattern pattern) {}

  private static final List<Kind> KINDS =
      List.of(
          new Kind(
              "private key",
              Pattern.compile(
                  "(-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----(?s:.*?)"
                      + "(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\\z))")),
          new Kind("AWS access key", Pattern.compile("\\b((?:AKIA|ASIA)[0-9A-Z]{16})\\b")),
          new Kind(
              "GitHub token", Pattern.compile("\\b((?:gh[pousr]|github_pat)_[A-Za-z0-9_]{30,})")),
          new Kind("Slack token", Pattern.compile("\\b(xox[abprs]-[A-Za-z0-9-]{10,})")),
          new Kind("Google API key", Pattern.compile("\\b(AIza[0-9A-Za-z_-]{35})")),
          new Kind(
              "JSON Web Token",
              Pattern.compile("\\b(eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*)")),
          new Kind("bearer token", Pattern.compile("(?i)\\bbearer\\s+([A-Za-z0-9._~+/-]{12,}=*)")));

  /** Cheap first look: a text with none of these cannot hold a secret of the kinds above. */
  private static final Pattern HINT =
      Pattern.compile("PRIVATE KEY|AKIA|ASIA|gh[pousr]_|github_pat_|xox|AIza|eyJ|(?i:bearer)");

  /** The built-in kinds only. */
  static final Secrets BUILT_IN = new Secrets(List.of());

  private final List<SecretPattern> added;

  private Secrets(List<SecretPattern> added) {
    this.added = added;
  }

  /** {@return the built-in kinds and those the policy adds} */
  static Secrets of(Policy policy) {
    return policy.secrets().isEmpty() ? BUILT_IN : new Secrets(policy.secrets());
  }

  /**
   * {@return the text with every secret in it replaced by its kind and hash; the text if none}: the
   * built-in kinds first, then those the policy adds, each on what the earlier ones left
   */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String redacted = text;
    if (HINT.matcher(text).find()) {
      for (Kind kind : KINDS) {
        redacted = replace(redacted, kind.name(), kind.pattern(), 1);
      }
    }
    for (SecretPattern kind : added) {
      redacted = replace(redacted, kind.name(), kind.pattern(), 0);
    }
    return redacted;
  }

  /**
   * {@return the kind of the first secret found in the text, the built-in kinds looked for first;
   * empty if it holds none}
   */
  Optional<String> kindIn(String text) {
    if (text == null) {
      return Optional.empty();
    }
    if (HINT.matcher(text).find()) {
      for (Kind kind : KINDS) {
        if (kind.pattern().matcher(text).find()) {
          return Optional.of(kind.name());
        }
      }
    }
    for (SecretPattern kind : added) {
      Matcher matcher = kind.pattern().matcher(text);
      while (matcher.find()) {
        if (matcher.end() > matcher.start()) {
          return Optional.of(kind.name());
        }
      }
    }
    return Optional.empty();
  }

  /** Replaces each non-empty match of {@code group} with the kind and the hash of what it holds. */
  private static String replace(String text, String kind, Pattern pattern, int group) {
    Matcher matcher = pattern.matcher(text);
    StringBuilder out = null;
    int copied = 0;
    while (matcher.find()) {
      if (matcher.end(group) <= matcher.start(group) || matcher.start(group) < copied) {
        continue;
      }
      out = out == null ? new StringBuilder(text.length()) : out;
      out.append(text, copied, matcher.start(group))
          .append("[redacted ")
          .append(kind)
          .append(" sha256:")
          .append(hash(matcher.group(group)))
          .append(']');
      copied = matcher.end(group);
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  private static String hash(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every JDK has SHA-256", impossible);
    }
  }
}
