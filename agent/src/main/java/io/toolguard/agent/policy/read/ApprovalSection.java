package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.ApprovalSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code approval:} section of a policy. */
final class ApprovalSection {

  private static final List<String> KEYS = List.of("timeout", "terminal", "web", "webhook");
  private static final List<String> WEB_KEYS = List.of("bind", "port", "token_file");
  private static final List<String> WEBHOOK_KEYS = List.of("url", "secret", "secret_env");

  private static final Duration LONGEST = Duration.ofHours(24);

  private final StrictYaml yaml;
  private final Path folder;

  ApprovalSection(StrictYaml yaml, Path folder) {
    this.yaml = yaml;
    this.folder = folder;
  }

  Optional<ApprovalSettings> read(YamlEntry entry) {
    if (entry == null) {
      return Optional.empty();
    }
    Map<String, YamlEntry> keys = yaml.mapping(entry.value(), "'approval'", KEYS);
    if (keys == null) {
      return Optional.empty();
    }
    // Plain conditions here and below, where method references would be spun into classes on
    // every start-up.
    Duration timeout =
        keys.get("timeout") == null
            ? ApprovalSettings.NONE.timeout()
            : timeout(keys.get("timeout"));
    boolean terminal = keys.get("terminal") != null && yaml.bool(keys.get("terminal"));
    Optional<ApprovalSettings.Web> web =
        keys.get("web") == null ? Optional.empty() : Optional.of(web(keys.get("web")));
    Optional<ApprovalSettings.Webhook> webhook =
        keys.get("webhook") == null
            ? Optional.empty()
            : Optional.ofNullable(webhook(keys.get("webhook")));
    if (webhook.isPresent() && web.isEmpty()) {
      yaml.problem(
          keys.get("webhook").key(),
          "a webhook's decisions come back through the approval web API;"
              + " turn it on with 'web:' (e.g. 'web: {port: 0}')");
    }
    return Optional.of(new ApprovalSettings(timeout, terminal, web, webhook));
  }

  private Duration timeout(YamlEntry entry) {
    YamlNode value = entry.value();
    Duration timeout =
        value instanceof YamlScalar scalar ? StrictYaml.duration(scalar.getValue()) : null;
    if (timeout == null) {
      yaml.problem(
          value,
          "'timeout' must be a number with s, m or h, such as 90s or 5m, not "
              + StrictYaml.describe(value));
      return ApprovalSettings.NONE.timeout();
    }
    if (timeout.compareTo(LONGEST) > 0) {
      yaml.problem(
          value, "'timeout' is at most 24h; a request nobody answers is denied when it ends");
      return LONGEST;
    }
    return timeout;
  }

  private ApprovalSettings.Web web(YamlEntry entry) {
    Map<String, YamlEntry> keys =
        StrictYaml.isNull(entry.value())
            ? Map.of()
            : yaml.mapping(entry.value(), "'approval.web'", WEB_KEYS);
    if (keys == null) {
      keys = Map.of();
    }
    String bind =
        keys.get("bind") == null
            ? "127.0.0.1"
            : yaml.string(keys.get("bind").value(), "'bind'", "an IP address such as 127.0.0.1");
    int port = keys.get("port") == null ? 0 : port(keys.get("port"));
    Optional<Path> tokenFile =
        keys.get("token_file") == null
            ? Optional.empty()
            : Optional.ofNullable(path(keys.get("token_file")));
    return new ApprovalSettings.Web(bind == null ? "127.0.0.1" : bind, port, tokenFile);
  }

  private int port(YamlEntry entry) {
    YamlNode value = entry.value();
    if (value instanceof YamlScalar scalar && YamlNode.INT.equals(value.getTag())) {
      try {
        int port = Integer.parseInt(scalar.getValue());
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException tooLong) {
        // reported below
      }
    }
    yaml.problem(
        value,
        "'port' must be a number from 0 (any free port) to 65535, not "
            + StrictYaml.describe(value));
    return 0;
  }

  private Path path(YamlEntry entry) {
    String text = yaml.string(entry.value(), "'token_file'", "a file path");
    if (text == null) {
      return null;
    }
    try {
      return folder.resolve(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      yaml.problem(entry.value(), "'token_file' is not a valid path: " + e.getReason());
      return null;
    }
  }

  private ApprovalSettings.Webhook webhook(YamlEntry entry) {
    Map<String, YamlEntry> keys = yaml.mapping(entry.value(), "'approval.webhook'", WEBHOOK_KEYS);
    if (keys == null) {
      return null;
    }
    URI url = null;
    if (keys.get("url") == null) {
      yaml.problem(
          entry.value(),
          "'approval.webhook' needs 'url', the http(s) address requests are posted to");
    } else {
      url = url(keys.get("url").value());
    }
    Optional<String> secret = text(keys.get("secret"), "'secret'");
    Optional<String> secretEnv = text(keys.get("secret_env"), "'secret_env'");
    if (secret.isPresent() == secretEnv.isPresent()) {
      yaml.problem(
          entry.value(),
          "'approval.webhook' needs exactly one of 'secret_env' (the environment variable"
              + " holding the HMAC secret; preferred) or 'secret'");
    }
    return url == null ? null : new ApprovalSettings.Webhook(url, secret, secretEnv);
  }

  private URI url(YamlNode node) {
    String text = yaml.string(node, "'url'", "an http or https address");
    if (text == null) {
      return null;
    }
    try {
      URI url = new URI(text);
      if (("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
          && url.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    yaml.problem(
        node,
        "'url' must be an http or https address such as https://hooks.example.com/toolguard, not '"
            + text
            + "'");
    return null;
  }

  private Optional<String> text(YamlEntry entry, String what) {
    if (entry == null) {
      return Optional.empty();
    }
    String value = yaml.string(entry.value(), what, "a string");
    if (value != null && value.isEmpty()) {
      yaml.problem(entry.value(), what + " cannot be empty");
      return Optional.empty();
    }
    return Optional.ofNullable(value);
  }
}
