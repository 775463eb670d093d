package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A connection, datagram, listening socket or name lookup a tool asked for, as one line of the
 * audit log.
 *
 * @param operation {@code connect}, {@code listen} or {@code resolve}
 * @param host the host name the tool gave (or looked up), or null if it gave an address
 * @param address the IP address and port, {@code unix:} and the real path of a Unix-domain socket,
 *     the address whose name a reverse lookup asks for, or null for a host name's lookup
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
