package io.toolguard.agent.policy;

import java.util.List;

/**
 * The environment variables and system properties a tool may read, by name or {@code *} pattern.
 * Nothing listed is nothing granted: to the tool, everything else looks unset.
 */
public record EnvGrants(List<String> variables, List<String> properties) {

  /** Grants nothing. */
  public static final EnvGrants NONE = new EnvGrants(List.of(), List.of());

  public EnvGrants {
    variables = List.copyOf(variables);
    properties = List.copyOf(properties);
  }

  /** {@return the patterns that grant this kind of name} */
  public List<String> of(EnvKind kind) {
    return kind == EnvKind.VARIABLE ? variables : properties;
  }

  /**
   * Decides a read of one variable or property.
   *
   * @param rule the location of the rule these grants come from
   */
  public AccessDecision decide(EnvKind kind, String name, String rule) {
    for (String pattern : of(kind)) {
      if (Wildcard.matches(pattern, name)) {
        return AccessDecision.granted("env " + kind.label() + " grant", pattern, rule);
      }
    }
    return AccessDecision.denied(
        "no env grant of the tool's rule names the " + kind.label() + " " + name);
  }
}
