package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A file access by a tool that the policy does not allow, as one line of the audit log.
 *
 * @param operation what the tool tried: {@code read}, {@code write}, {@code delete} or {@code
 *     probe}
 * @param path the path as the tool gave it
 * @param resolved where it really leads, links resolved
 * @param decision {@code deny}, or {@code would-deny} in audit mode
 */
public record FileAccessRecord(
    Instant time,
    String callId,
    String tool,
    String operation,
    String path,
    String resolved,
    Decision decision,
    String rule,
    String reason,
    String thread)
    implements AuditEntry {

  @Override
  public String toJson() {
    return Json.object(
        "time", time.toString(),
        "event", "file",
        "call_id", callId,
        "tool", tool,
        "operation", operation,
        "path", path,
        "resolved", resolved,
        "decision", decision.label(),
        "rule", rule,
        "reason", reason,
        "thread", thread);
  }
}
