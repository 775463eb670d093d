package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * One decision, as one line of the audit log (JSON Lines).
 *
 * @param decision {@code allow}, {@code deny} or {@code would-deny} (audit mode)
 * @param parentCallId the call id of the tool this call is nested in, or {@code null}
 * @param method {@code class#method} of the tool
 * @param rule the deciding rule as {@code file:line}
 * @param args a short, truncated summary of the arguments
 */
public record AuditRecord(
    Instant time,
    String callId,
    String parentCallId,
    String tool,
    String method,
    String risk,
    Decision decision,
    String rule,
    String reason,
    String args,
    String thread)
    implements AuditEntry {

  @Override
  public String toJson() {
    return Json.object(
        "time", time.toString(),
        "call_id", callId,
        "parent_call_id", parentCallId,
        "tool", tool,
        "method", method,
        "risk", risk,
        "decision", decision.label(),
        "rule", rule,
        "reason", reason,
        "args", args,
        "thread", thread);
  }
}
