package io.toolguard.agent.policy;

import java.util.Optional;

/**
 * Whether denials are enforced or only logged as {@code would-deny} while a policy is rolled out.
 */
public enum Mode implements Keyword {
  ENFORCE,
  AUDIT;

  /** {@return the mode with this name ({@code enforce} or {@code audit}), if there is one} */
  public static Optional<Mode> named(String name) {
    return Keyword.parse(Mode.class, name);
  }
}
