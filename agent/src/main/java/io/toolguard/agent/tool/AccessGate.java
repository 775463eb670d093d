package io.toolguard.agent.tool;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.approval.Resolution;
import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Outcome;
import java.util.Optional;

/**
 * Decides one thing a running tool does — start a process, connect, listen — at every level of its
 * context (a tool called from another has the outer tool's limits too), asks a person where a
 * grant asks, records the outcome and denies. Audit mode records and lets everything through.
 */
public final class AccessGate {

  /** What is being decided, and how it is shown, asked about and recorded. */
  public interface Access {

    /** {@return the policy's answer for one level of the tool context} */
    AccessDecision decide(ToolContext level);

    /** {@return what the tool tried, completing "Tool 'x' may not …"} */
    String describe();

    /** {@return the kind of request a person is asked ("run a command"), which scopes approvals for the session} */
    String subject();

    /** {@return what the person is shown} */
    String shown();

    /** {@return the audit line} */
    AuditEntry record(ToolContext context, ToolContext level, String decision, String reason);
  }

  private final AuditLog audit;
  private final Approver approver;

  public AccessGate(AuditLog audit, Approver approver) {
    this.audit = audit;
    this.approver = approver;
  }

  /**
   * Lets {@code access} through, or throws its denial.
   *
   * @throws SecurityException if it is denied, in enforce mode
   */
  public void check(ToolContext context, Access access) {
    ToolContext asking = null;
    AccessDecision asked = null;
    for (ToolContext level = context; level != null; level = level.outer()) {
      AccessDecision decision = access.decide(level);
      if (decision.outcome() == Outcome.DENY) {
        deny(context, level, access, decision.reason(), null);
        return;
      }
      if (decision.outcome() == Outcome.ASK && asked == null) {
        asking = level;
        asked = decision;
      }
    }
    if (asked != null) {
      askAPerson(context, asking, access, asked);
    } else if (context.policy().mode() == Mode.AUDIT) {
      // Audit mode records what tools do, so that `suggest` can propose the grants they need.
      record(context, access.record(context, context, "allow", "within the tool's grants"));
    }
  }

  private void askAPerson(ToolContext context, ToolContext level, Access access, AccessDecision asked) {
    if (context.policy().mode() == Mode.AUDIT) {
      record(context, access.record(context, level, "would-ask", asked.reason()));
      return;
    }
    if (!approver.canAsk()) {
      deny(context, level, access, asked.reason() + ", but no approval channel is on (set 'approval:' in the policy)",
          null);
      return;
    }
    Resolution resolution = approver.ask(context.callId(), context.tool(), access.subject(), level.decision().risk(),
        access.shown(), Optional.of(access.shown()), level.decision().rule(), context.policy().policy().approval().timeout());
    if (resolution.approved()) {
      record(context, access.record(context, level, "allow", resolution.reason()));
    } else {
      deny(context, level, access, resolution.reason(), resolution.answer().message());
    }
  }

  /** Writes the denial; throws it (with the person's message, if one was given) unless the innermost call runs in audit mode. */
  @SuppressWarnings("ReferenceEquality") // whether the level is the innermost call itself, not an equal outer one
  private void deny(ToolContext context, ToolContext level, Access access, String reason, String personsMessage) {
    boolean enforce = context.policy().mode() == Mode.ENFORCE;
    record(context, access.record(context, level, enforce ? "deny" : "would-deny", reason));
    if (enforce) {
      String via = level == context ? "" : " (inside tool '" + level.tool() + "')";
      throw new SecurityException(personsMessage != null ? personsMessage
          : "Tool '" + context.tool() + "'" + via + " may not " + access.describe() + ": " + reason + " [rule "
              + level.decision().rule() + "]");
    }
  }

  private void record(ToolContext context, AuditEntry entry) {
    try {
      audit.write(entry);
    } catch (RuntimeException auditFailure) {
      throw new SecurityException("Tool '" + context.tool() + "' was stopped: the audit log cannot be written, and"
          + " nothing runs unrecorded");
    }
  }
}
