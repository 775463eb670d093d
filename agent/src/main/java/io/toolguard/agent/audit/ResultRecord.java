package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A tool's result kept from the model because its rule withholds results that hold a secret, as one
 * line of the audit log. Names the kind of secret, never the value.
 *
 * @param decision {@code deny}, or {@code would-deny} in audit mode (the result is then returned)
 */
public record ResultRecord(
    Instant time,
    String callId,
    String tool,
    Decision decision,
    String rule,
    String reason,
    String thread)
    implements AuditEntry {

  @Override
  public String toJson() {
    return Json.object(
        "time",
        time.toString(),
        "event",
        "result",
        "call_id",
        callId,
        "tool",
        tool,
        "decision",
        decision.label(),
        "rule",
        rule,
        "reason",
        reason,
        "thread",
        thread);
  }
}
