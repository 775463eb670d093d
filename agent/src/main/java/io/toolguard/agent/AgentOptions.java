package io.toolguard.agent;

import io.toolguard.agent.policy.Mode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The options after {@code -javaagent:toolguard-agent.jar=}: comma-separated {@code key=value}
 * pairs {@code policy}, {@code mode} and {@code audit}. Anything else is an error.
 *
 * @param policy the policy file; empty when the option is absent
 * @param mode overrides the policy's mode; empty when absent
 * @param audit the audit log file; empty when absent
 */
record AgentOptions(Optional<String> policy, Optional<Mode> mode, Optional<String> audit) {

  static final String DEFAULT_AUDIT_LOG = "toolguard-audit.jsonl";

  /**
   * Parses the option string ({@code null} or empty means no options).
   *
   * @throws IllegalArgumentException saying which option is wrong and what is expected
   */
  static AgentOptions parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    if (text != null && !text.isBlank()) {
      for (String pair : text.split(",", -1)) {
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair.trim() : pair.substring(0, equals).trim();
        String value = equals < 0 ? "" : pair.substring(equals + 1).trim();
        if (!key.equals("policy") && !key.equals("mode") && !key.equals("audit")) {
          throw new IllegalArgumentException("unknown agent option '" + key
              + "'; options are policy=PATH, mode=enforce|audit and audit=PATH, separated by commas");
        }
        if (value.isEmpty()) {
          throw new IllegalArgumentException("agent option '" + key + "' needs a value, as in " + key + "=...");
        }
        if (values.put(key, value) != null) {
          throw new IllegalArgumentException("agent option '" + key + "' is given twice");
        }
      }
    }
    Optional<Mode> mode = Optional.ofNullable(values.get("mode")).map(name -> Mode.named(name).orElseThrow(
        () -> new IllegalArgumentException("agent option mode=" + name + " is not valid; use mode=enforce or mode=audit")));
    return new AgentOptions(Optional.ofNullable(values.get("policy")), mode, Optional.ofNullable(values.get("audit")));
  }

  /**
   * {@return the policy file: the option, else the {@code toolguard.policy} system property, else
   * the {@code TOOLGUARD_POLICY} environment variable}
   *
   * @throws IllegalArgumentException if none of them is set
   */
  String policyFile(Map<String, String> environment) {
    return policy
        .or(() -> Optional.ofNullable(System.getProperty("toolguard.policy")).filter(p -> !p.isBlank()))
        .or(() -> Optional.ofNullable(environment.get("TOOLGUARD_POLICY")).filter(p -> !p.isBlank()))
        .orElseThrow(() -> new IllegalArgumentException("no policy given, so the JVM is not started unguarded;"
            + " add policy=PATH to the agent options (-javaagent:toolguard-agent.jar=policy=app.yaml),"
            + " or set the system property toolguard.policy or the environment variable TOOLGUARD_POLICY"));
  }
}
