package io.toolguard.agent.policy;

/**
 * What the policy says about one file access or command by a tool: allowed, asked or denied, and
 * why. Allowed accesses keep the grant and build their explanation only when asked, since every
 * file access inside a tool is decided and few are explained.
 */
public final class AccessDecision {

  private final Outcome outcome;
  private final String denial;
  private final String grantKind;
  private final Object grant;
  private final String rule;

  private AccessDecision(Outcome outcome, String denial, String grantKind, Object grant, String rule) {
    this.outcome = outcome;
    this.denial = denial;
    this.grantKind = grantKind;
    this.grant = grant;
    this.rule = rule;
  }

  /** {@return a denial for this reason} */
  public static AccessDecision denied(String reason) {
    return new AccessDecision(Outcome.DENY, reason, null, null, null);
  }

  /** {@return an access the grant allows, as {@code kind} ("read glob", say), in the rule at {@code rule}} */
  static AccessDecision granted(String kind, Object grant, String rule) {
    return new AccessDecision(Outcome.ALLOW, null, kind, grant, rule);
  }

  /** {@return an access a person must approve first, by the asking grant of the rule at {@code rule}} */
  static AccessDecision asked(String kind, Object grant, String rule) {
    return new AccessDecision(Outcome.ASK, null, kind, grant, rule);
  }

  public Outcome outcome() {
    return outcome;
  }

  /** {@return why, in words} */
  public String reason() {
    return switch (outcome) {
      case ALLOW -> "granted by " + grantKind + " \"" + grant + "\" of rule " + rule;
      case ASK -> "a person must approve it first, by " + grantKind + " \"" + grant + "\" of rule " + rule;
      case DENY -> denial;
    };
  }
}
