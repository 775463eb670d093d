package io.toolguard.agent.options;

import io.toolguard.agent.policy.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The options after {@code -javaagent:toolguard-agent.jar=}: comma-separated {@code key=value}
 * pairs {@code policy}, {@code mode}, {@code audit} and {@code reload}. Anything else is an error.
 *
 * @param policy the policy file; empty when the option is absent
 * @param mode overrides the policy's mode; empty when absent
 * @param audit the audit log file; empty when absent
 * @param reload how often to check the policy for changes; zero turns reloading off
 */
public record AgentOptions(
    Optional<String> policy, Optional<Mode> mode, Optional<String> audit, Duration reload) {

  public static final String DEFAULT_AUDIT_LOG = "toolguard-audit.jsonl";
  static final Duration DEFAULT_RELOAD = Duration.ofSeconds(2);
  private static final List<String> KEYS = List.of("policy", "mode", "audit", "reload");

  /**
   * Parses the option string ({@code null} or empty means no options).
   *
   * @throws IllegalArgumentException saying which option is wrong and what is expected
   */
  public static AgentOptions parse(String text) {
    return parse(text, Map.of(), Map.of());
  }

  /**
   * Parses the option string; each of {@code mode}, {@code audit} and {@code reload} it does not
   * give is taken from the system property {@code toolguard.KEY}, else the environment variable
   * {@code TOOLGUARD_KEY} (blank counts as unset), as the policy is (see {@link #policyFile}): a
   * container is configured without editing its command line.
   *
   * @throws IllegalArgumentException saying which option, property or variable is wrong and what is
   *     expected
   */
  public static AgentOptions parse(
      String text, Map<String, String> properties, Map<String, String> environment) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    if (text != null && !text.isBlank()) {
      for (String pair : text.split(",", -1)) {
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair.trim() : pair.substring(0, equals).trim();
        String value = equals < 0 ? "" : pair.substring(equals + 1).trim();
        if (!KEYS.contains(key)) {
          throw new IllegalArgumentException(
              "unknown agent option '"
                  + key
                  + "'; options are policy=PATH, mode=enforce|audit, audit=PATH and reload=SECONDS, separated by commas");
        }
        if (value.isEmpty()) {
          throw new IllegalArgumentException(
              "agent option '" + key + "' needs a value, as in " + key + "=...");
        }
        if (values.put(key, value) != null) {
          throw new IllegalArgumentException("agent option '" + key + "' is given twice");
        }
        origins.put(key, "agent option " + key);
      }
    }
    for (String key : List.of("mode", "audit", "reload")) {
      String property = "toolguard." + key;
      String variable = "TOOLGUARD_" + key.toUpperCase(java.util.Locale.ROOT);
      if (values.containsKey(key)) {
        continue;
      }
      if (!properties.getOrDefault(property, "").isBlank()) {
        values.put(key, properties.get(property).trim());
        origins.put(key, "system property " + property);
      } else if (!environment.getOrDefault(variable, "").isBlank()) {
        values.put(key, environment.get(variable).trim());
        origins.put(key, "environment variable " + variable);
      }
    }
    // Plain tests rather than Optional's lambdas: each lambda is a class spun at start-up.
    Optional<Mode> mode = Optional.empty();
    String modeName = values.get("mode");
    if (modeName != null) {
      mode = Mode.named(modeName);
      if (mode.isEmpty()) {
        throw new IllegalArgumentException(
            origins.get("mode") + "=" + modeName + " is not valid; use enforce or audit");
      }
    }
    String reloadText = values.get("reload");
    Duration reload =
        reloadText == null ? DEFAULT_RELOAD : seconds(origins.get("reload"), reloadText);
    return new AgentOptions(
        Optional.ofNullable(values.get("policy")),
        mode,
        Optional.ofNullable(values.get("audit")),
        reload);
  }

  private static Duration seconds(String origin, String text) {
    double seconds = text.matches("\\d{1,6}(\\.\\d{1,3})?") ? Double.parseDouble(text) : -1;
    if (seconds == 0 || (seconds >= 0.05 && seconds <= 86_400)) {
      return Duration.ofMillis(Math.round(seconds * 1000));
    }
    throw new IllegalArgumentException(
        origin
            + "="
            + text
            + " is not valid; give seconds between 0.05 and 86400, or 0 to turn reloading off");
  }

  /**
   * {@return these options with relative policy and audit paths made absolute against {@code base}}
   */
  public AgentOptions withPathsFrom(Path base) {
    return new AgentOptions(
        policy.map(file -> base.resolve(file).toString()),
        mode,
        audit.map(file -> base.resolve(file).toString()),
        reload);
  }

  /** {@return these options as the agent takes them: {@code policy=...,mode=...}} */
  public String text() {
    StringJoiner text = new StringJoiner(",");
    policy.ifPresent(file -> text.add("policy=" + file));
    mode.ifPresent(chosen -> text.add("mode=" + chosen.label()));
    audit.ifPresent(file -> text.add("audit=" + file));
    text.add("reload=" + reload.toMillis() / 1000.0);
    return text.toString();
  }

  /**
   * {@return the policy file: the option, else the {@code toolguard.policy} system property, else
   * the {@code TOOLGUARD_POLICY} environment variable}
   *
   * @throws IllegalArgumentException if none of them is set
   */
  public String policyFile(Map<String, String> environment) {
    if (policy.isPresent()) {
      return policy.get();
    }
    String property = System.getProperty("toolguard.policy");
    if (property != null && !property.isBlank()) {
      return property;
    }
    String variable = environment.get("TOOLGUARD_POLICY");
    if (variable != null && !variable.isBlank()) {
      return variable;
    }
    throw new IllegalArgumentException(
        "no policy given, so the JVM is not started unguarded;"
            + " add policy=PATH to the agent options (-javaagent:toolguard-agent.jar=policy=app.yaml),"
            + " or set the system property toolguard.policy or the environment variable TOOLGUARD_POLICY");
  }
}
