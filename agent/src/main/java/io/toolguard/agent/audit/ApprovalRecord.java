package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A request for a person's approval, as one line of the audit log: once when it starts waiting
 * ({@code status} {@code pending}) and once when it is settled, with who settled it, through which
 * channel and after how long.
 *
 * @param subject {@code class#method} of a tool call, or the file operation asked about
 * @param status {@code pending}, a person's choice ({@code approve}, {@code approve_session},
 *     {@code approve_tool}, {@code deny}), {@code timed_out} or {@code interrupted}
 * @param earlier whether an approval for the session given earlier settled it, with no one asked
 */
public record ApprovalRecord(
    Instant time,
    String requestId,
    String callId,
    String tool,
    String subject,
    String risk,
    String status,
    boolean earlier,
    String by,
    String channel,
    Long waitedMillis,
    String message,
    Instant deadline)
    implements AuditEntry {

  @Override
  public String toJson() {
    return Json.object(
        "time",
        time.toString(),
        "event",
        "approval",
        "request_id",
        requestId,
        "call_id",
        callId,
        "tool",
        tool,
        "subject",
        subject,
        "risk",
        risk,
        "status",
        status,
        "earlier",
        earlier ? Boolean.TRUE : null,
        "by",
        by,
        "channel",
        channel,
        "waited_ms",
        waitedMillis,
        "message",
        message,
        "deadline",
        deadline == null ? null : deadline.toString());
  }
}
