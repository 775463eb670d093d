package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A JVM-wide action a tool may not take (exit, a shutdown hook, a system property, reflection on
 * toolguard), as one line of the audit log.
 *
 * @param decision {@code deny}, or {@code would-deny} in audit mode
 */
public record JvmActionRecord(
    Instant time,
    String callId,
    String tool,
    String action,
    Decision decision,
    String reason,
    String thread)
    implements AuditEntry {

  @Override
  public String toJson() {
    return Json.object(
        "time",
        time.toString(),
        "event",
        "jvm",
        "call_id",
        callId,
        "tool",
        tool,
        "action",
        action,
        "decision",
        decision.label(),
        "reason",
        reason,
        "thread",
        thread);
  }
}
