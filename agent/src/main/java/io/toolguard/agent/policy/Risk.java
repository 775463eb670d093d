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

  /** {@return the risk with this name, ignoring case, if there is one} */
  public static Optional<Risk> named(String name) {
    try {
      return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException unknown) {
      return Optional.empty();
    }
  }

  /** {@return whether a call at this risk must wait for a person's approval} */
  public boolean needsApproval() {
    return this == HIGH || this == CRITICAL;
  }
}
