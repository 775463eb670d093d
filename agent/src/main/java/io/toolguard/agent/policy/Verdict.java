package io.toolguard.agent.policy;

import java.util.Optional;

/**
 * What a policy rule says about a call: it runs, it runs once a person approves, or it is denied.
 */
public enum Verdict implements Keyword {
  ALLOW,
  ASK,
  DENY;

  /** {@return the verdict with this name ({@code allow} or {@code deny}), if there is one} */
  public static Optional<Verdict> named(String name) {
    return Keyword.parse(Verdict.class, name);
  }

  /** {@return "allowed", "allowed only with a person's approval" or "denied", for messages} */
  public String participle() {
    return switch (this) {
      case ALLOW -> "allowed";
      case ASK -> "allowed only with a person's approval";
      case DENY -> "denied";
    };
  }
}
