package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.guard.ToolCallGuard;
import io.toolguard.agent.guard.ToolMethod;
import io.toolguard.agent.guard.ToolRegistry;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.ToolArguments;
import io.toolguard.agent.policy.Verdict;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code suggest} proposes a value list for each argument that took few distinct values in an
 * audit-mode run, read from the values the agent records then; a value that held a secret, a long
 * one, and arguments that took many values get none.
 */
class SuggestValueListsTest {

  private static final String TOKEN = "ghp_" + "a".repeat(36);

  @TempDir Path dir;

  private final CommandLine cli = new CommandLine();

  @Test
  void proposesValueListsForArgumentsThatTookFewValuesAndNeverASecret() throws Exception {
    ToolRegistry registry = new ToolRegistry();
    int send =
        registry.register(
            new ToolMethod(
                "send_email",
                DeclaredRisk.of(Risk.LOW),
                "A#send",
                List.of("to", "priority", "body", "token")));
    Path run =
        Files.writeString(
            dir.resolve("run.yaml"), "version: 1\nsandbox: box\nunlisted_tools: allow\n");
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    ToolCallGuard guard =
        new ToolCallGuard(
            new ActivePolicy(new ActivePolicy.Snapshot(PolicyParser.parse(run), Mode.AUDIT)),
            registry,
            audit,
            new Approver(new Approvals(), audit));
    String[] recipients = {
      "ann@example.com", "bob@example.com", "ann@example.com", "bob@example.com", "ann@example.com"
    };
    for (int i = 0; i < recipients.length; i++) {
      guard.enterTool(
          send,
          new Object[] {
            recipients[i], i % 2 == 0 ? 1 : 2, "body number " + i, i == 0 ? TOKEN : "none"
          },
          null);
    }

    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains(
            "\"values\":{\"to\":\"ann@example.com\",\"priority\":1,\"body\":\"body number 0\"}")
        .doesNotContain(TOKEN);
    assertThat(
            cli.run(
                "suggest",
                dir.resolve("audit.jsonl").toString(),
                "--sandbox",
                dir.resolve("box").toString()))
        .isEqualTo(Cli.OK);

    assertThat(cli.out())
        .contains(
            String.join(
                "\n",
                "    risk: LOW",
                "    # the values these arguments took in that run; a call with another value is"
                    + " not allowed by this rule",
                "    when:",
                "      to: {one_of: [\"ann@example.com\", \"bob@example.com\"]}   # 2 values in 5"
                    + " calls",
                "      priority: {one_of: [\"1\", \"2\"]}   # 2 values in 5 calls",
                ""))
        .doesNotContain("body:", "token:", "ghp_");

    Path suggested = Files.writeString(dir.resolve("suggested.yaml"), cli.out());
    Policy policy = PolicyParser.parse(suggested);
    List<String> names = List.of("to", "priority", "body", "token");
    assertThat(
            policy
                .decide(
                    "send_email",
                    DeclaredRisk.of(Risk.LOW),
                    new ToolArguments(
                        names, new Object[] {"bob@example.com", 2, "x", "y"}, Path::normalize))
                .verdict())
        .isEqualTo(Verdict.ALLOW);
    assertThat(
            policy
                .decide(
                    "send_email",
                    DeclaredRisk.of(Risk.LOW),
                    new ToolArguments(
                        names,
                        new Object[] {"attacker@evil.example", 2, "x", "y"},
                        Path::normalize))
                .verdict())
        .isEqualTo(Verdict.DENY);
  }

  @Test
  void anEnforcingRunRecordsNoValues() throws Exception {
    ToolRegistry registry = new ToolRegistry();
    int send =
        registry.register(
            new ToolMethod("send_email", DeclaredRisk.of(Risk.LOW), "A#send", List.of("to")));
    Path run =
        Files.writeString(
            dir.resolve("run.yaml"), "version: 1\nsandbox: box\nunlisted_tools: allow\n");
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    ToolCallGuard guard =
        new ToolCallGuard(
            new ActivePolicy(new ActivePolicy.Snapshot(PolicyParser.parse(run), Mode.ENFORCE)),
            registry,
            audit,
            new Approver(new Approvals(), audit));

    guard.enterTool(send, new Object[] {"ann@example.com"}, null);

    assertThat(Files.readString(dir.resolve("audit.jsonl"))).doesNotContain("\"values\"");
  }
}
