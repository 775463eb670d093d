package io.toolguard.agent.policy;

import java.util.List;

/** A call's decision together with the other rules that named the tool and why each lost, for explain. */
public record Evaluation(ToolDecision decision, List<Outranked> outranked) {

  public Evaluation {
    outranked = List.copyOf(outranked);
  }

  /** A rule that named the tool but did not decide. */
  public record Outranked(ToolRule rule, String why) {}
}
