package io.toolguard.agent.approval;

import io.toolguard.agent.audit.ApprovalRecord;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.Risk;
import java.time.Duration;
import java.time.Instant;

/**
 * Asks a person about a tool call or a file access and records both ends in the audit log: the
 * request when it starts waiting, and who settled it, how, and after how long.
 */
public final class Approver {

  private final Approvals approvals;
  private final AuditLog audit;

  public Approver(Approvals approvals, AuditLog audit) {
    this.approvals = approvals;
    this.audit = audit;
  }

  /** {@return whether any channel can ask a person} */
  public boolean canAsk() {
    return approvals.canAsk();
  }

  /**
   * Waits for a person's answer, unless an approval for the session given earlier covers it.
   *
   * @param subject {@code class#method} of a tool call, or the operation a file access asks for
   * @param arguments the call's arguments whole, or the access described; channels escape and
   *     shorten them, and its canonical encoding is what the call's hash and an approval for the
   *     session with these arguments cover
   * @throws SecurityException if the audit log cannot be written
   */
  public Resolution ask(
      String callId,
      String tool,
      String subject,
      Risk risk,
      CallArguments arguments,
      String rule,
      Duration timeout) {
    ApprovalRequest request =
        approvals.request(callId, tool, subject, risk, arguments, rule, timeout);
    Resolution resolution =
        approvals
            .earlier(request)
            .orElseGet(
                () -> {
                  audit.writeOrStop(
                      new ApprovalRecord(
                          request.created(),
                          request.id(),
                          callId,
                          tool,
                          subject,
                          risk.name(),
                          "pending",
                          false,
                          null,
                          null,
                          null,
                          null,
                          request.deadline()),
                      tool,
                      "was denied by toolguard");
                  return approvals.await(request);
                });
    Answer answer = resolution.answer();
    audit.writeOrStop(
        new ApprovalRecord(
            Instant.now(),
            request.id(),
            callId,
            tool,
            subject,
            risk.name(),
            answer.choice().label(),
            resolution.earlier(),
            answer.by(),
            answer.channel(),
            resolution.waited().toMillis(),
            answer.message(),
            null),
        tool,
        "was denied by toolguard");
    return resolution;
  }
}
