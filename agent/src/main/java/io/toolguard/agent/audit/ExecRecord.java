package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A process a tool started or tried to start, as one line of the audit log.
 *
 * @param command the command's words joined by spaces
 * @param executable the real path of the file that runs, or null if it was not found
 * @param decision {@code allow}, {@code deny}, or in audit mode {@code would-deny} and {@code
 *     would-ask}
 * @param sandbox the kernel sandbox the process starts in (its rulesets, the Landlock ABI), or why
 *     none applies; null where the process does not start
 */
public record ExecRecord(
    Instant time,
    String callId,
    String tool,
    String command,
    String executable,
    Decision decision,
    String rule,
    String reason,
    String thread,
    String sandbox)
    implements AuditEntry {

  /** A record that says nothing about a sandbox. */
  public ExecRecord(
      Instant time,
      String callId,
      String tool,
      String command,
      String executable,
      Decision decision,
      String rule,
      String reason,
      String thread) {
    this(time, callId, tool, command, executable, decision, rule, reason, thread, null);
  }

  @Override
  public String toJson() {
    return Json.object(
        "time",
        time.toString(),
        "event",
        "exec",
        "call_id",
        callId,
        "tool",
        tool,
        "command",
        command,
        "executable",
        executable,
        "decision",
        decision.label(),
        "rule",
        rule,
        "reason",
        reason,
        "thread",
        thread,
        "sandbox",
        sandbox);
  }
}
