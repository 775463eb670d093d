package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.Budget;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets: exact at the edge under many threads, by the window, and across a policy reload. */
class BudgetsTest {

  @TempDir Path dir;

  private static Budget budget(int calls, Duration per) {
    return new Budget(
        calls,
        Optional.ofNullable(per),
        Outcome.DENY,
        Optional.empty(),
        new Location("app.yaml", 5, 5),
        "t#0 " + calls + "/" + per);
  }

  @Test
  void manyThreadsAtTheEdgeNeverGetOneCallTooMany() throws Exception {
    for (Duration per : new Duration[] {null, Duration.ofHours(1)}) {
      Budgets budgets = new Budgets();
      Budget budget = budget(1000, per);
      AtomicInteger admitted = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int i = 0; i < 500; i++) {
                    if (budgets.admit(budget, System.nanoTime())) {
                      admitted.incrementAndGet();
                    }
                  }
                });
        thread.start();
        threads.add(thread);
      }
      start.countDown();
      for (Thread thread : threads) {
        thread.join();
      }

      assertThat(admitted.get()).as("per " + per).isEqualTo(1000);
    }
  }

  @Test
  void aWindowAdmitsAgainOnlyOnceItsOldestCallIsAWholeWindowOld() {
    Budgets budgets = new Budgets();
    Budget budget = budget(3, Duration.ofSeconds(1));
    long second = 1_000_000_000L;

    assertThat(budgets.admit(budget, 0)).isTrue();
    assertThat(budgets.admit(budget, second / 2)).isTrue();
    assertThat(budgets.admit(budget, second / 2)).isTrue();
    assertThat(budgets.admit(budget, second - 1)).isFalse();
    assertThat(budgets.admit(budget, second)).isTrue();
    assertThat(budgets.admit(budget, second + second / 2 - 1)).isFalse();
    assertThat(budgets.admit(budget, second + second / 2)).isTrue();
  }

  private Policy parse(String budget) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("app.yaml"),
            "version: 1\nsandbox: box\ntools:\n  lookup:\n    decision: allow\n    risk: LOW\n"
                + "    budget: "
                + budget
                + "\n");
    return PolicyParser.parse(file);
  }

  @Test
  void aReloadKeepsTheCountUnlessTheBudgetChanges() throws Exception {
    ToolRegistry registry = new ToolRegistry();
    int lookup =
        registry.register(
            new ToolMethod("lookup", DeclaredRisk.of(Risk.LOW), "A#lookup", List.of("key")));
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    String twice = "{calls: 2, message: \"lookup may run twice per run; answer without it\"}";
    ActivePolicy active = new ActivePolicy(new ActivePolicy.Snapshot(parse(twice), Mode.ENFORCE));
    ToolCallGuard guard =
        new ToolCallGuard(active, registry, audit, new Approver(new Approvals(), audit));
    Object[] arguments = {"k"};

    guard.enterTool(lookup, arguments, null);
    active.replace(new ActivePolicy.Snapshot(parse(twice), Mode.ENFORCE));
    guard.enterTool(lookup, arguments, null);
    active.replace(new ActivePolicy.Snapshot(parse(twice), Mode.ENFORCE));

    assertThatThrownBy(() -> guard.enterTool(lookup, arguments, null))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'lookup' was denied by toolguard: lookup may run twice per run; answer without"
                + " it");
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("the call is past the budget of policy rule at")
        .contains("(2 calls per run)");

    active.replace(new ActivePolicy.Snapshot(parse("{calls: 3}"), Mode.ENFORCE));
    guard.enterTool(lookup, arguments, null);
  }

  @Test
  void pastABudgetThatAsksTheCallNeedsAPersonAndWithoutApproverIsDenied() throws Exception {
    ToolRegistry registry = new ToolRegistry();
    int lookup =
        registry.register(
            new ToolMethod("lookup", DeclaredRisk.of(Risk.LOW), "A#lookup", List.of("key")));
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    ActivePolicy active =
        new ActivePolicy(
            new ActivePolicy.Snapshot(parse("{calls: 1, per: 1h, then: ask}"), Mode.ENFORCE));
    ToolCallGuard guard =
        new ToolCallGuard(active, registry, audit, new Approver(new Approvals(), audit));

    guard.enterTool(lookup, new Object[] {"k"}, null);

    assertThatThrownBy(() -> guard.enterTool(lookup, new Object[] {"k"}, null))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("approval required, but no approval channel is on");
  }
}
