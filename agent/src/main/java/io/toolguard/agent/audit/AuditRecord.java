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
    String thread) {

  /** {@return the record as one JSON object, without a line break} */
  public String toJson() {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "time", time.toString()).append(',');
    field(json, "call_id", callId).append(',');
    field(json, "parent_call_id", parentCallId).append(',');
    field(json, "tool", tool).append(',');
    field(json, "method", method).append(',');
    field(json, "risk", risk).append(',');
    field(json, "decision", decision).append(',');
    field(json, "rule", rule).append(',');
    field(json, "reason", reason).append(',');
    field(json, "args", args).append(',');
    field(json, "thread", thread);
    return json.append('}').toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    Json.appendString(json, name);
    json.append(':');
    Json.appendString(json, value);
    return json;
  }
}
