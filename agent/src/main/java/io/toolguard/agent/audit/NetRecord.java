package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A connection, datagram or listening socket a tool asked for, as one line of the audit log.
 *
 * @param operation {@code connect} or {@code listen}
 * @param host the host name the tool gave, or null if it gave an address
 * @param address the IP address and port
 * @param decision {@code allow}, {@code deny}, or in audit mode {@code would-deny} and {@code
 *     would-ask}
 */
public record NetRecord(
    Instant time,
    String callId,
    String tool,
    String operation,
    String host,
    String address,
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
        "net",
        "call_id",
        callId,
        "tool",
        tool,
        "operation",
        operation,
        "host",
        host,
        "address",
        address,
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
