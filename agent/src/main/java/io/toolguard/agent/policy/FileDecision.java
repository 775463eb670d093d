package io.toolguard.agent.policy;

/**
 * What the policy says about one file access by a tool: allowed or denied, and why. Allowed
 * accesses keep the grant and build their explanation only when asked, since every file access
 * inside a tool is decided and few are explained.
 */
public final class FileDecision {

  private final Outcome outcome;
  private final String denial;
  private final String grantKind;
  private final PathGlob grant;
  private final String rule;

  private FileDecision(Outcome outcome, String denial, String grantKind, PathGlob grant, String rule) {
    this.outcome = outcome;
    this.denial = denial;
    this.grantKind = grantKind;
    this.grant = grant;
    this.rule = rule;
  }

  /** {@return a denial for this reason} */
  public static FileDecision denied(String reason) {
    return new FileDecision(Outcome.DENY, reason, null, null, null);
  }

  /** {@return an access the glob grants, as {@code kind} ("read glob", say), in the rule at {@code rule}} */
  static FileDecision granted(String kind, PathGlob glob, String rule) {
    return new FileDecision(Outcome.ALLOW, null, kind, glob, rule);
  }

  /** {@return an access a person must approve first, by the ask glob of the rule at {@code rule}} */
  static FileDecision asked(String kind, PathGlob glob, String rule) {
    return new FileDecision(Outcome.ASK, null, kind, glob, rule);
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
