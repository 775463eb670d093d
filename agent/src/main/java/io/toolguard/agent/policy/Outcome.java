package io.toolguard.agent.policy;

/** What happens to a call or an access: it runs, it waits for a person's approval, or it is denied. */
public enum Outcome {
  ALLOW,
  ASK,
  DENY;

  /** {@return the name as explain and test cases write it} */
  public String label() {
    return Keywords.of(this);
  }

  public static java.util.Optional<Outcome> named(String name) {
    return Keywords.parse(Outcome.class, name);
  }
}
