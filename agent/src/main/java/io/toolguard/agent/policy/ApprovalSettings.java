package io.toolguard.agent.policy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How calls that need a person's approval reach one: how long a request waits, and which channels
 * ask (the controlling terminal, the local web page and its JSON API, a webhook). With no channel
 * on, such calls are denied at once.
 */
public record ApprovalSettings(
    Duration timeout, boolean terminal, Optional<Web> web, Optional<Webhook> webhook) {

  /** The default: five minutes, no channel. */
  public static final ApprovalSettings NONE =
      new ApprovalSettings(Duration.ofMinutes(5), false, Optional.empty(), Optional.empty());

  /** {@return whether any channel can ask a person} */
  public boolean anyChannel() {
    return terminal || web.isPresent();
  }

  /**
   * The local approval page and JSON API.
   *
   * @param port 0 for any free port
   * @param tokenFile where the access token is written; empty for a file in the temporary folder
   */
  public record Web(String bind, int port, Optional<Path> tokenFile) {}

  /**
   * Where each request is posted, signed with HMAC-SHA256.
   *
   * @param secretEnv the environment variable holding the secret, if the secret is not in the
   *     policy
   */
  public record Webhook(URI url, Optional<String> secret, Optional<String> secretEnv) {

    /**
     * {@return the shared secret, from the policy or the environment; empty when the variable is
     * unset}
     */
    public Optional<String> resolveSecret(java.util.Map<String, String> environment) {
      // Plain tests: each lambda is a class spun in premain, where this is asked.
      if (secret.isPresent()) {
        return secret;
      }
      String value = secretEnv.isPresent() ? environment.get(secretEnv.get()) : null;
      return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    @Override
    public String toString() {
      return url
          + (secret.isPresent()
              ? " (secret in the policy)"
              : " (secret from $" + secretEnv.orElse("?") + ")");
    }
  }
}
