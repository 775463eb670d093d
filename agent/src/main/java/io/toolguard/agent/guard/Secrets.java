package io.toolguard.agent.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds values that look like credentials in an argument's text and replaces each with its kind and
 * a hash, so that the audit log, the approval page, the terminal prompt and webhook bodies never
 * carry the secret itself, while the same secret is still recognisable by its hash: private key
 * blocks, cloud and code-host access keys, bearer tokens and JSON Web Tokens.
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

  private Secrets() {}

  /** {@return the text with every secret in it replaced by its kind and hash; the text if none} */
  static String redact(String text) {
    if (text == null || !HINT.matcher(text).find()) {
      return text;
    }
    String redacted = text;
    for (Kind kind : KINDS) {
      Matcher matcher = kind.pattern().matcher(redacted);
      StringBuilder out = null;
      int copied = 0;
      while (matcher.find()) {
        out = out == null ? new StringBuilder(redacted.length()) : out;
        out.append(redacted, copied, matcher.start(1))
            .append("[redacted ")
            .append(kind.name())
            .append(" sha256:")
            .append(hash(matcher.group(1)))
            .append(']');
        copied = matcher.end(1);
      }
      if (out != null) {
        redacted = out.append(redacted, copied, redacted.length()).toString();
      }
    }
    return redacted;
  }

  /** {@return whether the text holds a secret of a kind toolguard recognises} */
  static boolean contains(String text) {
    return text != null && !redact(text).equals(text);
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
