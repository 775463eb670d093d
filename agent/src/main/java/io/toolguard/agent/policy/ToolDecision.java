package io.toolguard.agent.policy;

/**
 * What the policy says about one call: the verdict, the risk the call runs at, the rule that
 * decided ({@code file:line}), why, and the files the tool may touch if it runs.
 */
public record ToolDecision(Verdict verdict, Risk risk, String rule, String reason, FileGrants files) {

  /** {@return deny for a denied call; ask when an ask rule decided or the risk needs approval; else allow} */
  public Outcome outcome() {
    if (verdict == Verdict.DENY) {
      return Outcome.DENY;
    }
    return verdict == Verdict.ASK || risk.needsApproval() ? Outcome.ASK : Outcome.ALLOW;
  }
}
