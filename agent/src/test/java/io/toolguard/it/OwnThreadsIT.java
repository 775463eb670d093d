package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.OwnThreadsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, toolguard's own threads: a tool that interrupts the policy reloader would end
 * reloading (a changed policy would never take effect), and one that interrupts the approval
 * server's threads would disturb its approvals. Inside tools, interrupting or stopping toolguard's
 * threads is denied and audited; the application's threads stay the tool's to interrupt, and the
 * policy is still reloaded afterwards.
 */
class OwnThreadsIT {

  @TempDir Path dir;

  @Test
  void aToolCannotInterruptToolguardsThreads() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        version: 1
        sandbox: .
        approval:
          web: {port: 0, token_file: approval.token}
        tools:
          meddle: {decision: allow}
        """);

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl,reload=0.1")
            .app(OwnThreadsApp.class, policy.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> threads =
        result.stdout().lines().filter(line -> line.startsWith("THREAD ")).toList();
    assertThat(threads)
        .as(result.toString())
        .contains("THREAD toolguard-policy-reloader denied", "THREAD the application's interrupted")
        .anyMatch(line -> line.startsWith("THREAD toolguard-approval-web") || line.contains("HTTP"))
        .filteredOn(line -> !line.startsWith("THREAD the application's"))
        .allMatch(line -> line.endsWith(" denied"));
    assertThat(result.stdout()).contains("APPLICATION THREAD woken");
    assertThat(result.stderr()).as(result.toString()).contains("policy policy.yaml reloaded");
    assertThat(AuditLines.read(dir.resolve("audit.jsonl")))
        .anyMatch(
            line ->
                "jvm".equals(line.get("event"))
                    && "deny".equals(line.get("decision"))
                    && "interrupt or stop toolguard's thread toolguard-policy-reloader"
                        .equals(line.get("action")));
  }
}
