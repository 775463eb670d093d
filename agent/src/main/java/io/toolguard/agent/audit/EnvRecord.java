package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * An environment variable or system property a tool read, or was kept from reading, as one line of
 * the audit log.
 *
 * @param kind {@code variable} or {@code property}
 * @param name the name, or {@code *} for the whole environment or all properties
 * @param decision {@code allow}, {@code deny} (it looked unset to the tool), or in audit mode
 *     {@code would-deny}
 */
public record EnvRecord(
    Instant time,
    String callId,
    String tool,
    String kind,
    String name,
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
        "env",
        "call_id",
        callId,
        "tool",
        tool,
        "kind",
        kind,
        "name",
        name,
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
