package io.toolguard.agent.audit;

import java.util.Optional;

/**
 * What an audit line says happened to a call or an access: the vocabulary toolguard writes and
 * {@code suggest} reads back. In audit mode a denial or a question for a person is recorded as what
 * would have happened, and the call or access runs.
 */
public enum Decision {
  /** It ran: the policy allows it, or a person approved it. */
  ALLOW("allow"),
  /** It was stopped (or, for an environment read, the name looked unset). */
  DENY("deny"),
  /** Audit mode: the policy denies it, but it ran. */
  WOULD_DENY("would-deny"),
  /** Audit mode: a person would have been asked, but it ran without waiting. */
  WOULD_ASK("would-ask");

  private final String label;

  Decision(String label) {
    this.label = label;
  }

  /**
   * {@return a denial as the mode records it: {@link #DENY} when enforced, else {@link
   * #WOULD_DENY}}
   */
  public static Decision denied(boolean enforced) {
    return enforced ? DENY : WOULD_DENY;
  }

  /** {@return the decision as an audit line spells it} */
  public String label() {
    return label;
  }

  /** {@return whether the call or access went ahead} */
  public boolean ran() {
    return this != DENY;
  }

  /** {@return the decision an audit line spells {@code label}, if it is one} */
  public static Optional<Decision> named(String label) {
    for (Decision decision : values()) {
      if (decision.label.equals(label)) {
        return Optional.of(decision);
      }
    }
    return Optional.empty();
  }
}
