package io.toolguard.agent.policy;

import java.util.Optional;

/**
 * What the policy says about one call: the verdict, the risk the call runs at, the rule that
 * decided ({@code file:line}), why, and the files the tool may touch, the commands it may run and
 * the network addresses it may reach and the environment it may read if it runs, and the budget of
 * the deciding rule the call counts against.
 */
public record ToolDecision(
    Verdict verdict,
    Risk risk,
    String rule,
    String reason,
    Grants grants,
    Optional<Budget> budget) {

  /** A decision that counts against no budget. */
  public ToolDecision(Verdict verdict, Risk risk, String rule, String reason, Grants grants) {
    this(verdict, risk, rule, reason, grants, Optional.empty());
  }

  /** {@return this decision turned into one that asks a person first, for {@code why}} */
  public ToolDecision asking(String why) {
    return new ToolDecision(Verdict.ASK, risk, rule, why, grants, budget);
  }

  /**
   * {@return this decision settled by a person or by toolguard: allowed with its grants, or denied
   * with none}
   */
  public ToolDecision settled(boolean allowed, String why) {
    return new ToolDecision(
        allowed ? Verdict.ALLOW : Verdict.DENY,
        risk,
        rule,
        why,
        allowed ? grants : Grants.NONE,
        budget);
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
