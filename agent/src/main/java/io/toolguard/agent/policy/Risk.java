package io.toolguard.agent.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * The agent's view of a tool's risk. Mirrors {@code io.toolguard.api.Risk} by name, because the
 * agent must not load the application's copy of the API (a test keeps the two in step).
 */
public enum Risk {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /**
   * {@return the risk with this name, in upper or lower case ({@code HIGH}, {@code high}), if there
   * is one}
   */
  public static Optional<Risk> named(String name) {
    for (Risk risk : values()) {
      if (risk.name().equals(name) || risk.name().toLowerCase(Locale.ROOT).equals(name)) {
        return Optional.of(risk);
      }
    }
    return Optional.empty();
  }

  /** {@return whether a call at this risk must wait for a person's approval} */
  public boolean needsApproval() {
    return this == HIGH || this == CRITICAL;
  }
}
