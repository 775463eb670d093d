package io.toolguard.agent.policy;

/**
 * The policy in force and the mode it runs in. Replaced whole and at once, so every call is decided
 * by one complete policy — the old one or the new one, never none and never a mix.
 */
public final class ActivePolicy {

  /** A policy and the mode it is enforced in (the agent option may override the policy's own). */
  public record Snapshot(Policy policy, Mode mode) {

    /** {@return whether denials stop what they deny; in audit mode they are only recorded} */
    public boolean enforcing() {
      return mode == Mode.ENFORCE;
    }
  }

  private volatile Snapshot current;

  public ActivePolicy(Snapshot initial) {
    this.current = initial;
  }

  /** {@return the policy in force now; read it once per decision} */
  public Snapshot current() {
    return current;
  }

  /** Puts {@code next} in force for every decision that starts from now on. */
  public void replace(Snapshot next) {
    current = next;
  }
}
