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
    String decision,
    String rule,
    String reason,
    String args,
    String thread) implements AuditEntry {

  @Override
  public String toJson() {
    StringBuilder json = new StringBuilder(256).append('{');
    Json.field(json, "time", time.toString()).append(',');
    Json.field(json, "call_id", callId).append(',');
    Json.field(json, "parent_call_id", parentCallId).append(',');
    Json.field(json, "tool", tool).append(',');
    Json.field(json, "method", method).append(',');
    Json.field(json, "risk", risk).append(',');
    Json.field(json, "decision", decision).append(',');
    Json.field(json, "rule", rule).append(',');
    Json.field(json, "reason", reason).append(',');
    Json.field(json, "args", args).append(',');
    Json.field(json, "thread", thread);
    return json.append('}').toString();
  }
}
