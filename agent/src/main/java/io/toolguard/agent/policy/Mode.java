package io.toolguard.agent.policy;

import java.util.Optional;

/** Whether denials are enforced or only logged as {@code would-deny} while a policy is rolled out. */
public enum Mode {
  ENFORCE,
  AUDIT;

  /** {@return the mode with this name ({@code enforce} or {@code audit}), if there is one} */
  public static Optional<Mode> named(String name) {
    return Keywords.parse(Mode.class, name);
  }

  /** {@return the name as written in policies and agent options} */
  public String label() {
    return Keywords.of(this);
  }
}
