package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Grants;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolCallGuardTest {

  @TempDir Path dir;

  private final ToolRegistry registry = new ToolRegistry();
  private final int lookup =
      registry.register(
          new ToolMethod("lookup", DeclaredRisk.of(Risk.LOW), "A#lookup", List.of("key")));
  private final int wipe =
      registry.register(new ToolMethod("wipe", DeclaredRisk.of(Risk.LOW), "A#wipe", List.of()));
  private final int transfer =
      registry.register(
          new ToolMethod("transfer", DeclaredRisk.of(Risk.CRITICAL), "A#transfer", List.of()));
  private final int lookupOverride =
      registry.register(
          new ToolMethod("lookup", DeclaredRisk.of(Risk.LOW), "B#lookup", List.of("key")));

  @Test
  void anAllowedCallGetsAContextNestedInItsCallers() {
    ToolCallGuard guard =
        guard(Mode.ENFORCE, rule("lookup", Verdict.ALLOW), rule("wipe", Verdict.ALLOW));

    ToolContext outer = (ToolContext) guard.enterTool(lookup, new Object[] {"k"}, null);
    ToolContext inner = (ToolContext) guard.enterTool(wipe, new Object[] {}, outer);

    assertThat(outer.tool()).isEqualTo("lookup");
    assertThat(outer.outer()).isNull();
    assertThat(inner.outer()).isSameAs(outer);
    assertThat(inner.callId()).isNotEqualTo(outer.callId());
  }

  @Test
  void aToolCallingItselfStaysInTheCallAlreadyDecided() throws Exception {
    ToolCallGuard guard = guard(Mode.ENFORCE, rule("lookup", Verdict.ALLOW));

    ToolContext outer = (ToolContext) guard.enterTool(lookupOverride, new Object[] {"k"}, null);

    assertThat(guard.enterTool(lookup, new Object[] {"other"}, outer)).isSameAs(outer);
    assertThat(Files.readAllLines(dir.resolve("audit.jsonl"))).hasSize(1);
  }

  @Test
  void aDeniedCallThrowsWithTheToolTheReasonAndTheRule() {
    ToolCallGuard guard = guard(Mode.ENFORCE, rule("wipe", Verdict.DENY));

    assertThatThrownBy(() -> guard.enterTool(wipe, new Object[0], null))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'wipe' was denied by toolguard: denied by policy rule 'wipe' [rule app.yaml:7]");
  }

  @Test
  void aCriticalCallNeedsAnApproverAndThereIsNone() {
    ToolCallGuard guard = guard(Mode.ENFORCE, rule("transfer", Verdict.ALLOW));

    assertThatThrownBy(() -> guard.enterTool(transfer, new Object[0], null))
        .hasMessageContaining(ToolCallGuard.NO_APPROVER);
  }

  @Test
  void auditModeLetsPolicyDenialsRunAndLogsThemAsWouldDeny() throws Exception {
    ToolCallGuard guard = guard(Mode.AUDIT, rule("wipe", Verdict.DENY));

    assertThat(guard.enterTool(wipe, new Object[0], null)).isInstanceOf(ToolContext.class);
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("\"decision\":\"would-deny\"");
  }

  @Test
  void aCallThatCannotBeDecidedIsDeniedEvenInAuditMode() throws Exception {
    // A rule without a pattern makes the decision itself fail.
    ToolCallGuard guard = guard(Mode.AUDIT, rule(null, Verdict.ALLOW));

    assertThatThrownBy(() -> guard.enterTool(lookup, new Object[] {"k"}, null))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'lookup' was denied by toolguard: "
                + ToolCallGuard.INTERNAL_ERROR
                + " [rule app.yaml]");
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("\"decision\":\"deny\"", ToolCallGuard.INTERNAL_ERROR);
  }

  @Test
  void auditModeLogsAnAllowedCallAsAllowed() throws Exception {
    ToolCallGuard guard = guard(Mode.AUDIT, rule("lookup", Verdict.ALLOW));

    guard.enterTool(lookup, new Object[] {"k"}, null);

    assertThat(Files.readString(dir.resolve("audit.jsonl"))).contains("\"decision\":\"allow\"");
  }

  @Test
  void auditModeRunsACallThatNeedsApprovalWithoutAskingAndLogsThatItWouldAsk() throws Exception {
    ToolCallGuard guard = guard(Mode.AUDIT, rule("transfer", Verdict.ALLOW));

    assertThat(guard.enterTool(transfer, new Object[0], null)).isInstanceOf(ToolContext.class);
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains(
            "\"decision\":\"would-ask\"",
            "; it needs a person's approval, which audit mode does not wait for");
  }

  @Test
  void aCallIsDeniedWhenItsAuditLineCannotBeWrittenEvenInAuditMode() {
    ToolCallGuard guard =
        guard(Mode.AUDIT, AuditLog.open(Path.of("/dev/full")), rule("lookup", Verdict.ALLOW));

    assertThatThrownBy(() -> guard.enterTool(lookup, new Object[] {"k"}, null))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'lookup' was denied by toolguard: the audit log cannot be written, and nothing runs unrecorded");
  }

  @Test
  void aGuardThatRefusesEveryCallDeniesWhatThePolicyAllowsEvenInAuditMode() throws Exception {
    Policy policy = policy(Mode.AUDIT, rule("lookup", Verdict.ALLOW));
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    ToolCallGuard guard =
        new ToolCallGuard(
            new ActivePolicy(new ActivePolicy.Snapshot(policy, Mode.AUDIT)),
            registry,
            audit,
            new Approver(new Approvals(), audit),
            Path::normalize,
            CallsRefused.always("a training run"));

    assertThatThrownBy(() -> guard.enterTool(lookup, new Object[] {"k"}, null))
        .isInstanceOf(SecurityException.class)
        .hasMessage("Tool 'lookup' was denied by toolguard: a training run [rule app.yaml]");
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("\"decision\":\"deny\"", "a training run");
  }

  @Test
  void aCallWaitsUntilEveryCallMayBeDecidedAndIsThenDeniedIfNoneMay() throws Exception {
    Policy policy = policy(Mode.ENFORCE, rule("lookup", Verdict.ALLOW));
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
    CallsRefused probe =
        () -> {
          asked.countDown();
          try {
            answered.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "the kernel probe failed";
        };
    ToolCallGuard guard =
        new ToolCallGuard(
            new ActivePolicy(new ActivePolicy.Snapshot(policy, Mode.ENFORCE)),
            registry,
            audit,
            new Approver(new Approvals(), audit),
            Path::normalize,
            probe);
    java.util.concurrent.CompletableFuture<Throwable> call =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                guard.enterTool(lookup, new Object[] {"k"}, null);
                return null;
              } catch (SecurityException denied) {
                return denied;
              }
            });
    asked.await();
    Thread.sleep(50);
    assertThat(call).isNotDone();
    assertThat(dir.resolve("audit.jsonl")).isEmptyFile();

    answered.countDown();
    assertThat(call.get())
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'lookup' was denied by toolguard: the kernel probe failed [rule app.yaml]");
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("\"decision\":\"deny\"", "the kernel probe failed");
  }

  private ToolCallGuard guard(Mode mode, ToolRule... rules) {
    return guard(mode, AuditLog.open(dir.resolve("audit.jsonl")), rules);
  }

  private ToolCallGuard guard(Mode mode, AuditLog audit, ToolRule... rules) {
    return new ToolCallGuard(
        new ActivePolicy(new ActivePolicy.Snapshot(policy(mode, rules), mode)),
        registry,
        audit,
        new Approver(new Approvals(), audit));
  }

  private Policy policy(Mode mode, ToolRule... rules) {
    return new Policy(
        "app.yaml",
        mode,
        Optional.empty(),
        dir,
        Verdict.DENY,
        Optional.empty(),
        ApprovalSettings.NONE,
        Risk.HIGH,
        List.of(),
        List.of(rules),
        List.of(),
        "digest");
  }

  private static ToolRule rule(String pattern, Verdict verdict) {
    return new ToolRule(
        pattern, verdict, Optional.empty(), Grants.NONE, new Location("app.yaml", 7, 3));
  }
}
