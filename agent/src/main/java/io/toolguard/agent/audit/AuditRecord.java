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
 * @param values the arguments whose values are short plain values without secrets, as a JSON object
 *     by parameter name ({@code {"to":"bob@example.com","amount":12}}), for {@code suggest}; null
 *     when not recorded (outside audit mode) or none is such a value
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
    String thread,
    String values)
    implements AuditEntry {

  /** A line without argument values. */
  public AuditRecord(
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
      String thread) {
    this(
        time, callId, parentCallId, tool, method, risk, decision, rule, reason, args, thread, null);
  }

  @Override
  public String toJson() {
    if (values != null) {
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
          "values", new Json.Raw(values),
          "thread", thread);
    }
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
