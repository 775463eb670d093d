package io.toolguard.agent.guard;

/**
 * Why every tool call is refused now, whatever the policy and its mode say: asked at each call's
 * entry, before anything of the tool runs, so that one place decides whether any tool may run at
 * all. A training run refuses every call for good ({@link #always}); at JVM start, calls wait here
 * until the kernel's answers (exec sandbox, pinned opens) are settled, and are refused for good if
 * they could not be had.
 */
public interface CallsRefused {

  /** Refuses no call: calls are decided by the policy. */
  CallsRefused NEVER = new Always(null);

  /**
   * {@return why every call is denied now, or {@code null} to decide calls by the policy}; may wait
   * for what it depends on, and must not throw
   */
  String why();

  /**
   * A class with tools was just woven, so a call may come: starts settling what {@link #why} waits
   * for, and returns at once. Called inside a class transformer, so it loads no class and blocks on
   * nothing a class load could hold.
   */
  default void toolsAhead() {}

  /** {@return a refusal of every call for {@code reason}} */
  static CallsRefused always(String reason) {
    return new Always(reason);
  }

  /** The same answer for every call; a named class, as a lambda is spun at start-up. */
  record Always(String reason) implements CallsRefused {
    @Override
    public String why() {
      return reason;
    }
  }
}
