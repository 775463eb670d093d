package io.toolguard.agent.policy;

import java.util.List;

/**
 * What the policy says about one call: the verdict, the risk the call runs at, the rule that
 * decided ({@code file:line}), why, and the files the tool may touch, the commands it may run and
 * the network addresses it may reach and the environment it may read if it runs.
 */
public record ToolDecision(Verdict verdict, Risk risk, String rule, String reason, FileGrants files, List<ExecGrant> exec,
    NetGrants net, EnvGrants env) {

  public ToolDecision {
    exec = List.copyOf(exec);
  }

  /** A decision that grants no command and no network access. */
  public ToolDecision(Verdict verdict, Risk risk, String rule, String reason, FileGrants files) {
    this(verdict, risk, rule, reason, files, List.of(), NetGrants.NONE, EnvGrants.NONE);
  }

  /** {@return this decision settled by a person or by toolguard: allowed with its grants, or denied with none} */
  public ToolDecision settled(boolean allowed, String why) {
    return allowed
        ? new ToolDecision(Verdict.ALLOW, risk, rule, why, files, exec, net, env)
        : new ToolDecision(Verdict.DENY, risk, rule, why, FileGrants.NONE, List.of(), NetGrants.NONE, EnvGrants.NONE);
  }

  /** {@return deny for a denied call; ask when an ask rule decided or the risk needs approval; else allow} */
  public Outcome outcome() {
    if (verdict == Verdict.DENY) {
      return Outcome.DENY;
    }
    return verdict == Verdict.ASK || risk.needsApproval() ? Outcome.ASK : Outcome.ALLOW;
  }
}
