package io.toolguard.agent.policy;

/**
 * What happens to a call or an access: it runs, it waits for a person's approval, or it is denied.
 */
public enum Outcome implements Keyword {
  ALLOW,
  ASK,
  DENY;

  public static java.util.Optional<Outcome> named(String name) {
    return Keyword.parse(Outcome.class, name);
  }
}
