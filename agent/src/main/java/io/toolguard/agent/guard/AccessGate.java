package io.toolguard.agent.guard;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.approval.CallArguments;
import io.toolguard.agent.approval.Resolution;
import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.weave.JdkInitialisation;

/**
 * The one decision point for what a running tool does — files, processes, network, environment,
 * JVM-wide actions: it asks every level of the tool's context (a tool called from another has the
 * outer tool's limits too), asks a person where a grant asks, records the outcome and denies. The
 * mode (audit mode records and lets everything through), the fail-closed audit write and the
 * wording {@code Tool 'x' may not …: reason [rule]} live here and nowhere else.
 */
public final class AccessGate {

  /** What is being decided, and how it is shown, asked about and recorded. */
  public interface Access {

    /** {@return the policy's answer for one level of the tool context} */
    AccessDecision decide(ToolContext level);

    /** {@return what the tool tried, completing "Tool 'x' may not …"} */
    String describe();

    /**
     * {@return the kind of request a person is asked ("run a command"), which scopes approvals for
     * the session}
     */
    String subject();

    /** {@return what the person is shown} */
    String shown();

    /** {@return the audit line} */
    AuditEntry record(ToolContext context, ToolContext level, Decision decision, String reason);

    /**
     * {@return whether an allowed access is written to the audit log in enforce mode too}: a
     * process start is, with the kernel sandbox it runs in
     */
    default boolean recordedWhenAllowed() {
      return false;
    }

    /** {@return who denies at {@code level}, closing a denial's message: the level's rule} */
    default String denier(ToolContext level) {
      return "rule " + level.decision().rule();
    }
  }

  /**
   * Where an access stands once every level of the context has answered: the first level that
   * denies, else the first that asks, else {@link #ALLOWED}.
   */
  public record Ruling(ToolContext level, AccessDecision decision) {

    /** Every level allows. */
    public static final Ruling ALLOWED = new Ruling(null, null);

    /** {@return whether every level allows, without asking anyone} */
    public boolean allowed() {
      return decision == null;
    }
  }

  private static final String WITHIN_GRANTS = "within the tool's grants";

  private final AuditLog audit;
  private final Approver approver;

  public AccessGate(AuditLog audit, Approver approver) {
    this.audit = audit;
    this.approver = approver;
  }

  /**
   * Lets {@code access} through, or throws its denial.
   *
   * @throws SecurityException if it is denied, in enforce mode, or cannot be recorded
   */
  public void check(ToolContext context, Access access) {
    settle(context, access, rule(context, access));
  }

  /**
   * Decides {@code access} as {@link #check} does, but reports a denial instead of throwing it, for
   * accesses that are denied by looking absent (an environment variable that looks unset).
   *
   * @return whether the access goes ahead
   * @throws SecurityException if it cannot be recorded
   */
  public boolean permits(ToolContext context, Access access) {
    return settle(context, access, rule(context, access), false);
  }

  /**
   * {@link #permits(ToolContext, Access)} on a ruling {@link #rule} made already.
   *
   * @throws SecurityException if it cannot be recorded
   */
  public boolean permits(ToolContext context, Access access, Ruling ruling) {
    return settle(context, access, ruling, false);
  }

  /** {@return what every level of {@code context} says about {@code access}} */
  public static Ruling rule(ToolContext context, Access access) {
    Ruling asked = null;
    for (ToolContext level = context; level != null; level = level.outer()) {
      AccessDecision decision = access.decide(level);
      if (decision.outcome() == Outcome.DENY) {
        return new Ruling(level, decision);
      }
      if (decision.outcome() == Outcome.ASK && asked == null) {
        asked = new Ruling(level, decision);
      }
    }
    return asked != null ? asked : Ruling.ALLOWED;
  }

  /**
   * Acts on a ruling made by {@link #rule}: records an allowed access in audit mode, asks a person,
   * or denies.
   *
   * @throws SecurityException if it is denied, in enforce mode, or cannot be recorded
   */
  public void settle(ToolContext context, Access access, Ruling ruling) {
    settle(context, access, ruling, true);
  }

  /**
   * Denies {@code access} whatever the tool's grants and in audit mode too: for what no tool may do
   * under any policy (touch toolguard's own files). Writes a {@code deny} line and throws, naming
   * toolguard, not a rule, as the one who denies.
   *
   * @param reason why, completing "Tool 'x' may not read 'p': …"
   * @throws SecurityException always
   */
  public void refuse(ToolContext context, Access access, String reason) {
    write(context, access, access.record(context, context, Decision.DENY, reason));
    throw new SecurityException(
        "Tool '"
            + context.tool()
            + "' may not "
            + access.describe()
            + ": "
            + reason
            + " [toolguard]");
  }

  /**
   * Records a denial that concerns more than one access at once (the names left out of a whole
   * environment): {@code reason} says what was kept back.
   *
   * @return whether the tool gets everything it asked for (audit mode)
   */
  public boolean recordDenial(ToolContext context, Access access, String reason) {
    boolean enforcing = context.policy().enforcing();
    write(context, access, access.record(context, context, Decision.denied(enforcing), reason));
    return !enforcing;
  }

  private boolean settle(ToolContext context, Access access, Ruling ruling, boolean throwDenial) {
    if (ruling.allowed()) {
      if (!context.policy().enforcing() || access.recordedWhenAllowed()) {
        // Audit mode records what tools do, so that `suggest` can propose the grants they need.
        write(context, access, access.record(context, context, Decision.ALLOW, WITHIN_GRANTS));
      }
      return true;
    }
    if (ruling.decision().outcome() == Outcome.DENY) {
      return deny(context, ruling.level(), access, ruling.decision().reason(), null, throwDenial);
    }
    return askAPerson(context, ruling.level(), access, ruling.decision(), throwDenial);
  }

  private boolean askAPerson(
      ToolContext context,
      ToolContext level,
      Access access,
      AccessDecision asked,
      boolean throwDenial) {
    if (!context.policy().enforcing()) {
      write(context, access, access.record(context, level, Decision.WOULD_ASK, asked.reason()));
      return true;
    }
    if (!approver.canAsk()) {
      return deny(
          context,
          level,
          access,
          asked.reason() + ", but no approval channel is on (set 'approval:' in the policy)",
          null,
          throwDenial);
    }
    Resolution resolution =
        approver.ask(
            context.callId(),
            context.tool(),
            access.subject(),
            level.decision().risk(),
            CallArguments.described(Secrets.of(context.policy().policy()).redact(access.shown())),
            level.decision().rule(),
            context.policy().policy().approval().timeout());
    if (resolution.approved()) {
      write(context, access, access.record(context, level, Decision.ALLOW, resolution.reason()));
      return true;
    }
    return deny(
        context, level, access, resolution.reason(), resolution.answer().message(), throwDenial);
  }

  /**
   * Writes the denial; unless the innermost call runs in audit mode, throws it (with the person's
   * message, if one was given) or, if {@code throwDenial} is false, reports it.
   */
  @SuppressWarnings(
      "ReferenceEquality") // whether the level is the innermost call itself, not an equal outer one
  private boolean deny(
      ToolContext context,
      ToolContext level,
      Access access,
      String reason,
      String personsMessage,
      boolean throwDenial) {
    boolean enforcing = context.policy().enforcing();
    String why = enforcing && throwDenial ? reason + duringJdkInitialisation() : reason;
    write(context, access, access.record(context, level, Decision.denied(enforcing), why));
    if (enforcing && throwDenial) {
      String via = level == context ? "" : " (inside tool '" + level.tool() + "')";
      throw new SecurityException(
          personsMessage != null
              ? personsMessage
              : "Tool '"
                  + context.tool()
                  + "'"
                  + via
                  + " may not "
                  + access.describe()
                  + ": "
                  + why
                  + " ["
                  + access.denier(level)
                  + "]");
    }
    return !enforcing;
  }

  /**
   * {@return what a thrown denial adds when tool code is denied while a JDK class initialises (a
   * service provider the JDK loads for a tool, say): escaping the initialiser, it leaves the class
   * unusable for the whole JVM, and the later {@code NoClassDefFoundError} should lead here}
   */
  private static String duringJdkInitialisation() {
    Class<?> initialising = JdkInitialisation.classBeingInitialised();
    return initialising == null
        ? ""
        : "; this happened while JDK class "
            + initialising.getName()
            + " initialises, which stays unusable in this JVM if the denial escapes its initialiser";
  }

  private void write(ToolContext context, Access access, AuditEntry entry) {
    audit.writeOrStop(entry, context.tool(), "may not " + access.describe());
  }
}
