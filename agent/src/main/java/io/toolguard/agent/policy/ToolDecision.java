package io.toolguard.agent.policy;

/**
 * What the policy says about one call: the verdict, the risk the call runs at, the rule that
 * decided ({@code file:line}), why, and the files the tool may touch, the commands it may run and
 * the network addresses it may reach and the environment it may read if it runs.
 */
public record ToolDecision(Verdict verdict, Risk risk, String rule, String reason, Grants grants) {

  /**
   * {@return this decision settled by a person or by toolguard: allowed with its grants, or denied
   * with none}
   */
  public ToolDecision settled(boolean allowed, String why) {
    return new ToolDecision(
        allowed ? Verdict.ALLOW : Verdict.DENY, risk, rule, why, allowed ? grants : Grants.NONE);
  }

  /**
   * {@return deny for a denied call; ask when an ask rule decided or the risk needs approval; else
   * allow}
   */
  public Outcome outcome() {
    if (verdict == Verdict.DENY) {
      return Outcome.DENY;
    }
    return verdict == Verdict.ASK || risk.needsApproval() ? Outcome.ASK : Outcome.ALLOW;
  }
}
