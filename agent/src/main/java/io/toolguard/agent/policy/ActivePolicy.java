package io.toolguard.agent.policy;

/**
 * The policy in force and the mode it runs in. Replaced whole and at once, so every call is
 * decided by one complete policy — the old one or the new one, never none and never a mix.
 */
public final class ActivePolicy {

  /**
   * A policy as it is enforced.
   *
   * @param digest the SHA-256 of the policy files' content, in hex
   */
  public record Snapshot(Policy policy, Mode mode, String digest) {}

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
