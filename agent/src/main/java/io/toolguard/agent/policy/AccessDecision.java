package io.toolguard.agent.policy;

/**
 * What the policy says about one file access, command, connection or environment read by a tool:
 * {@link Granted}, {@link Asked} or {@link Denied}, and why. Granted and asked accesses keep the
 * grant and build their explanation only when asked, since every file access inside a tool is
 * decided and few are explained.
 */
public sealed interface AccessDecision {

  /** {@return allow, ask or deny} */
  default Outcome outcome() {
    return this instanceof Granted
        ? Outcome.ALLOW
        : this instanceof Asked ? Outcome.ASK : Outcome.DENY;
  }

  /** {@return why, in words} */
  String reason();

  /** {@return a denial for this reason} */
  static AccessDecision denied(String reason) {
    return new Denied(reason);
  }

  /**
   * {@return an access the grant allows, as {@code kind} ("read glob", say), in the rule at {@code
   * rule}}
   */
  static AccessDecision granted(String kind, Object grant, String rule) {
    return new Granted(kind, grant, rule);
  }

  /**
   * {@return an access a person must approve first, by the asking grant of the rule at {@code
   * rule}}
   */
  static AccessDecision asked(String kind, Object grant, String rule) {
    return new Asked(kind, grant, rule);
  }

  /** Allowed by {@code grant}, a grant of kind {@code kind} in the rule at {@code rule}. */
  record Granted(String kind, Object grant, String rule) implements AccessDecision {
    @Override
    public String reason() {
      return "granted by " + kind + " \"" + grant + "\" of rule " + rule;
    }
  }

  /**
   * Allowed once a person approves, by the asking grant {@code grant} of the rule at {@code rule}.
   */
  record Asked(String kind, Object grant, String rule) implements AccessDecision {
    @Override
    public String reason() {
      return "a person must approve it first, by " + kind + " \"" + grant + "\" of rule " + rule;
    }
  }

  /** Denied, for {@code reason}. */
  record Denied(String reason) implements AccessDecision {}
}
