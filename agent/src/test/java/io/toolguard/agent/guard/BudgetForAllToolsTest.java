package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The top-level budget: every tool call counts against it together, exactly under many threads, on
 * top of a rule's own budget, and across a policy reload that keeps it.
 */
class BudgetForAllToolsTest {

  @TempDir Path dir;

  private final ToolRegistry registry = new ToolRegistry();
  private final int lookup =
      registry.register(
          new ToolMethod("lookup", DeclaredRisk.of(Risk.LOW), "A#lookup", List.of("key")));
  private final int fetch =
      registry.register(
          new ToolMethod("fetch", DeclaredRisk.of(Risk.LOW), "A#fetch", List.of("url")));

  private Policy parse(String budget, String lookupRule) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("app.yaml"),
            "version: 1\nsandbox: box\n"
                + budget
                + "tools:\n  lookup:\n    decision: allow\n    risk: LOW\n"
                + lookupRule
                + "  fetch:\n    decision: allow\n    risk: LOW\n");
    return PolicyParser.parse(file);
  }

  private ToolCallGuard guard(ActivePolicy active) {
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    return new ToolCallGuard(active, registry, audit, new Approver(new Approvals(), audit));
  }

  private static ActivePolicy active(Policy policy) {
    return new ActivePolicy(new ActivePolicy.Snapshot(policy, Mode.ENFORCE));
  }

  @Test
  void manyThreadsCallingTwoToolsAtTheEdgeNeverGetOneCallTooMany() throws Exception {
    for (String per : new String[] {"", ", per: 1h"}) {
      ToolCallGuard guard = guard(active(parse("budget: {calls: 300" + per + "}\n", "")));
      AtomicInteger ran = new AtomicInteger();
      AtomicInteger denied = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        int tool = t % 2 == 0 ? lookup : fetch;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int i = 0; i < 50; i++) {
                    try {
                      guard.enterTool(tool, new Object[] {"k"}, null);
                      ran.incrementAndGet();
                    } catch (SecurityException past) {
                      denied.incrementAndGet();
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

      assertThat(ran).as("per" + per).hasValue(300);
      assertThat(denied).as("per" + per).hasValue(12 * 50 - 300);
    }
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("app.yaml:3 (300 calls per run)")
        .contains(
            "app.yaml:3 (300 calls per 1h)", "the call is past the budget for all tools at /");
  }

  @Test
  void aCallMustFitItsRulesBudgetAndTheBudgetForAllTools() throws Exception {
    ToolCallGuard guard = guard(active(parse("budget: {calls: 3}\n", "    budget: {calls: 1}\n")));

    guard.enterTool(lookup, new Object[] {"k"}, null);
    assertThatThrownBy(() -> guard.enterTool(lookup, new Object[] {"k"}, null))
        .hasMessageContaining("app.yaml:8 (1 call per run)");
    guard.enterTool(fetch, new Object[] {"u"}, null);
    guard.enterTool(fetch, new Object[] {"u"}, null);
    assertThatThrownBy(() -> guard.enterTool(fetch, new Object[] {"u"}, null))
        .hasMessageContaining("app.yaml:3 (3 calls per run)");
  }

  @Test
  void aReloadKeepsTheCountForAllToolsUnlessItChanges() throws Exception {
    String two = "budget: {calls: 2, message: \"two tool calls per run; answer now\"}\n";
    ActivePolicy active = active(parse(two, ""));
    ToolCallGuard guard = guard(active);

    guard.enterTool(lookup, new Object[] {"k"}, null);
    active.replace(
        new ActivePolicy.Snapshot(parse(two, "    risk: LOW\n".substring(0, 0)), Mode.ENFORCE));
    guard.enterTool(fetch, new Object[] {"u"}, null);
    active.replace(new ActivePolicy.Snapshot(parse(two, ""), Mode.ENFORCE));

    assertThatThrownBy(() -> guard.enterTool(lookup, new Object[] {"k"}, null))
        .isInstanceOf(SecurityException.class)
        .hasMessage("Tool 'lookup' was denied by toolguard: two tool calls per run; answer now");

    active.replace(new ActivePolicy.Snapshot(parse("budget: {calls: 3}\n", ""), Mode.ENFORCE));
    guard.enterTool(lookup, new Object[] {"k"}, null);
    guard.enterTool(lookup, new Object[] {"k"}, null);
    guard.enterTool(lookup, new Object[] {"k"}, null);
    assertThatThrownBy(() -> guard.enterTool(lookup, new Object[] {"k"}, null))
        .hasMessageContaining("past the budget for all tools");

    active.replace(new ActivePolicy.Snapshot(parse("", ""), Mode.ENFORCE));
    guard.enterTool(lookup, new Object[] {"k"}, null);
  }

  @Test
  void pastABudgetForAllToolsThatAsksTheCallNeedsAPerson() throws Exception {
    ToolCallGuard guard = guard(active(parse("budget: {calls: 1, then: ask}\n", "")));

    guard.enterTool(lookup, new Object[] {"k"}, null);

    assertThatThrownBy(() -> guard.enterTool(fetch, new Object[] {"u"}, null))
        .hasMessageContaining("approval required, but no approval channel is on");
  }
}
