package io.toolguard.agent.guard;

import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.ToolDecision;

/**
 * What a running tool may do: the context its body runs in, kept per thread by the bootstrap
 * dispatcher. It keeps the policy that decided the call, so a reload never changes the grants of a
 * call already running. A nested tool's context keeps its {@code outer} one, and a check must pass
 * every level, so a tool called from another tool has at most the outer tool's grants.
 */
public record ToolContext(
    String callId,
    String tool,
    ActivePolicy.Snapshot policy,
    ToolDecision decision,
    ToolContext outer) {

  /**
   * {@return {@code current} if a check in it must already pass {@code born} (the context of the
   * call that code about to run was born in), else {@code born} on top of {@code current}, so that
   * a check must pass both}
   */
  public static ToolContext joined(ToolContext born, ToolContext current) {
    for (ToolContext level = current; level != null; level = level.outer) {
      if (level == born) {
        return current;
      }
    }
    return within(born, current);
  }

  private static ToolContext within(ToolContext born, ToolContext current) {
    return new ToolContext(
        born.callId,
        born.tool,
        born.policy,
        born.decision,
        born.outer == null ? current : within(born.outer, current));
  }
}
