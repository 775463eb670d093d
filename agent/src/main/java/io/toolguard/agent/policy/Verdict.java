package io.toolguard.agent.policy;

import java.util.Optional;

/** What a policy rule says about a call. */
public enum Verdict {
  ALLOW,
  DENY;

  /** {@return the verdict with this name ({@code allow} or {@code deny}), if there is one} */
  public static Optional<Verdict> named(String name) {
    return Keywords.parse(Verdict.class, name);
  }

  /** {@return the name as written in policies} */
  public String label() {
    return Keywords.of(this);
  }

  /** {@return "allowed" or "denied", for messages} */
  public String participle() {
    return this == ALLOW ? "allowed" : "denied";
  }
}
