package io.toolguard.agent.guard;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.approval.Resolution;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.audit.AuditRecord;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.ResultRecord;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.Budget;
import io.toolguard.agent.policy.Grants;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.ToolDecision;
import io.toolguard.agent.policy.Verdict;
import io.toolguard.bootstrap.Dispatcher;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Decides each tool call: asks the policy, applies the risk level, waits for a person where the
 * call needs one, writes the audit lines, and either throws the denial or returns the context the
 * tool body runs in.
 */
public final class ToolCallGuard {

  static final String NO_APPROVER =
      "approval required, but no approval channel is on (set 'approval:' in the policy), so it is denied";
  static final String INTERNAL_ERROR = "toolguard could not decide this call, so it is denied";

  private final ActivePolicy active;
  private final ToolRegistry registry;
  private final AuditLog audit;
  private final Approver approver;
  private final UnaryOperator<Path> realPath;
  private final CallsRefused refused;
  private final String callIdPrefix =
      Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
  private final AtomicLong calls = new AtomicLong();
  private final Budgets budgets = new Budgets();

  /** A guard whose conditions on paths take them as written, links not followed (for tests). */
  public ToolCallGuard(
      ActivePolicy active, ToolRegistry registry, AuditLog audit, Approver approver) {
    this(active, registry, audit, approver, Path::normalize);
  }

  /**
   * @param realPath where a path in an argument really leads, for conditions on paths
   */
  public ToolCallGuard(
      ActivePolicy active,
      ToolRegistry registry,
      AuditLog audit,
      Approver approver,
      UnaryOperator<Path> realPath) {
    this(active, registry, audit, approver, realPath, CallsRefused.NEVER);
  }

  /**
   * @param realPath where a path in an argument really leads, for conditions on paths
   * @param refused why every call is denied now, whatever the policy and its mode say ({@link
   *     CallsRefused#NEVER} to decide calls by the policy): where toolguard could not confine a
   *     tool that ran, no tool runs; asked first at every call, it may make the call wait
   */
  public ToolCallGuard(
      ActivePolicy active,
      ToolRegistry registry,
      AuditLog audit,
      Approver approver,
      UnaryOperator<Path> realPath,
      CallsRefused refused) {
    this.refused = refused;
    this.active = active;
    this.registry = registry;
    this.audit = audit;
    this.approver = approver;
    this.realPath = realPath;
  }

  /** A class with tools was just woven: see {@link CallsRefused#toolsAhead}. */
  public void toolsAhead() {
    refused.toolsAhead();
  }

  public ToolRegistry registry() {
    return registry;
  }

  /** Decides a call; see {@link Dispatcher.Hooks#enterTool}. */
  public Object enterTool(int toolId, Object[] arguments, Object outerContext) {
    ToolMethod tool = registry.get(toolId);
    ToolContext outer = (ToolContext) outerContext;
    if (outer != null && outer.tool().equals(tool.name())) {
      // The tool calling itself: an override calling the method it overrides (as a proxy's
      // does), or a recursion. It is part of the call already decided, so it is not decided or
      // logged again.
      return outer;
    }
    String callId = callIdPrefix + "-" + calls.incrementAndGet();
    ActivePolicy.Snapshot inForce = active.current();
    Policy policy = inForce.policy();
    ToolDecision decision;
    boolean failed = false;
    boolean wouldAsk = false;
    String personsMessage = null;
    try {
      // Before anything of the call is decided or runs; denied in audit mode too, as a call
      // toolguard could not decide is.
      String everyCallRefused = refused.why();
      failed = everyCallRefused != null;
      decision =
          failed
              ? new ToolDecision(
                  Verdict.DENY,
                  tool.risk().under(policy.defaultRisk()),
                  policy.source(),
                  everyCallRefused,
                  Grants.NONE)
              : policy.decideCall(
                  tool.name(), tool.risk(), tool.parameterNames(), arguments, realPath);
      if (decision.outcome() != Outcome.DENY
          && (decision.budget().isPresent() || !policy.budgets().isEmpty())) {
        String askWhy = null;
        long now = System.nanoTime();
        for (Budget budget : budgetsOf(decision, policy)) {
          if (budgets.admit(budget, now)) {
            continue;
          }
          String past =
              "the call is past the budget "
                  + (budget.forAllTools() ? "for all tools at " : "of policy rule at ")
                  + budget.location().rule()
                  + " ("
                  + budget.describe()
                  + ")";
          if (budget.past() == Outcome.ASK) {
            // Still counted against the budgets after it: a person may let it run.
            askWhy = askWhy == null ? past : askWhy;
            continue;
          }
          askWhy = null;
          decision = decision.settled(false, past);
          personsMessage =
              budget
                  .message()
                  .map(message -> "Tool '" + tool.name() + "' was denied by toolguard: " + message)
                  .orElse(null);
          break;
        }
        if (askWhy != null) {
          decision = decision.asking(askWhy + ", so it needs a person's approval");
        }
      }
      if (decision.outcome() == Outcome.ASK && !inForce.enforcing()) {
        wouldAsk = true;
      } else if (decision.outcome() == Outcome.ASK && !approver.canAsk()) {
        decision = decision.settled(false, NO_APPROVER);
      } else if (decision.outcome() == Outcome.ASK) {
        Resolution resolution =
            approver.ask(
                callId,
                tool.name(),
                tool.signature(),
                decision.risk(),
                ArgumentSummary.forApproval(tool.parameterNames(), arguments, Secrets.of(policy)),
                decision.rule(),
                policy.approval().timeout());
        personsMessage = resolution.approved() ? null : resolution.answer().message();
        decision = decision.settled(resolution.approved(), resolution.reason());
      }
    } catch (SecurityException unrecorded) {
      throw unrecorded;
    } catch (RuntimeException | LinkageError failure) {
      System.err.println(
          "toolguard: ERROR: deciding a call to tool '"
              + tool.name()
              + "' failed; it is denied: "
              + failure);
      decision =
          new ToolDecision(
              Verdict.DENY,
              tool.risk().under(policy.defaultRisk()),
              policy.source(),
              INTERNAL_ERROR,
              Grants.NONE);
      failed = true;
    }
    boolean denied = decision.verdict() == Verdict.DENY;
    // Audit mode lets policy denials through, never a call toolguard could not decide.
    boolean blocked = denied && (inForce.enforcing() || failed);
    audit.writeOrStop(
        new AuditRecord(
            Instant.now(),
            callId,
            outer == null ? null : outer.callId(),
            tool.name(),
            tool.signature(),
            decision.risk().name(),
            !denied ? (wouldAsk ? Decision.WOULD_ASK : Decision.ALLOW) : Decision.denied(blocked),
            decision.rule(),
            wouldAsk
                ? decision.reason()
                    + "; it needs a person's approval, which audit mode does not wait for"
                : decision.reason(),
            ArgumentSummary.of(tool.parameterNames(), arguments, Secrets.of(policy)),
            Thread.currentThread().getName(),
            // In audit mode, what suggest proposes value lists from.
            inForce.enforcing()
                ? null
                : ArgumentSummary.values(tool.parameterNames(), arguments, Secrets.of(policy))),
        tool.name(),
        "was denied by toolguard");
    if (blocked) {
      throw new SecurityException(
          personsMessage != null
              ? personsMessage
              : "Tool '"
                  + tool.name()
                  + "' was denied by toolguard: "
                  + decision.reason()
                  + " [rule "
                  + decision.rule()
                  + "]");
    }
    return new ToolContext(callId, tool.name(), inForce, decision, outer);
  }

  /** The rule's budget, then the policy's for all tools: a call must fit each. */
  private static java.util.List<Budget> budgetsOf(ToolDecision decision, Policy policy) {
    if (decision.budget().isEmpty()) {
      return policy.budgets();
    }
    java.util.List<Budget> all = new java.util.ArrayList<>(policy.budgets().size() + 1);
    all.add(decision.budget().get());
    all.addAll(policy.budgets());
    return all;
  }

  /**
   * Looks at what a tool returned, when its rule withholds results that hold a secret (see {@link
   * io.toolguard.bootstrap.Dispatcher.Hooks#toolReturned}): such a result, or one that cannot be
   * looked at without running the application's code ({@link SecretResults}), is written to the
   * audit log and, unless the call runs in audit mode, replaced by a denial that names the kind of
   * secret, never the value.
   *
   * @throws SecurityException if the result is withheld
   */
  public void toolReturned(ToolContext call, Object result) {
    if (!call.decision().grants().withholdsSecretResults()) {
      return;
    }
    Policy policy = call.policy().policy();
    java.util.Optional<String> why = SecretResults.whyWithheld(result, Secrets.of(policy));
    if (why.isEmpty()) {
      return;
    }
    boolean enforcing = call.policy().enforcing();
    String reason =
        "its result is withheld from the model: "
            + why.get()
            + ", and policy rule at "
            + call.decision().rule()
            + " withholds results that hold secrets";
    audit.writeOrStop(
        new ResultRecord(
            Instant.now(),
            call.callId(),
            call.tool(),
            Decision.denied(enforcing),
            call.decision().rule(),
            reason,
            Thread.currentThread().getName()),
        call.tool(),
        "returned a result that was withheld");
    if (enforcing) {
      throw new SecurityException(
          "Tool '"
              + call.tool()
              + "' ran, but toolguard withheld its result: "
              + why.get()
              + " [rule "
              + call.decision().rule()
              + "]");
    }
  }
}
