package io.toolguard.agent.policy;

import java.util.List;
import java.util.Optional;

/**
 * A call's decision, the rule that made it (none when {@code unlisted_tools} decided), and the
 * other rules that named the tool with why each lost.
 */
public record Evaluation(
    ToolDecision decision, Optional<ToolRule> deciding, List<Outranked> outranked) {

  public Evaluation {
    outranked = List.copyOf(outranked);
  }

  /** A rule that named the tool but did not decide. */
  public record Outranked(ToolRule rule, String why) {}
}
