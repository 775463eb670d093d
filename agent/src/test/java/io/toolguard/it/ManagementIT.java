package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ManagementApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, management: code in a tool that reaches the JVM through its management beans and
 * flight recorder leaks the command line and every property, writes a heap dump anywhere, changes
 * VM options and records the whole JVM without toolguard; with it each is denied inside tools,
 * while the application still uses the beans itself, and the JVM survives.
 */
class ManagementIT {

  private static final String SECRET = "management-secret-7f3a";

  @TempDir Path base;

  @Test
  void aToolCannotReachTheJvmThroughItsManagementBeans() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          inspect: {decision: allow, files: {read: ["**"], write: ["**"]}}
        """);

    ChildJvm.Result without =
        ChildJvm.in(box)
            .jvmArg("-Dtoolguard.secret=" + SECRET)
            .app(ManagementApp.class, outside.toString());
    assertThat(without.lines("MGMT "))
        .as(without.toString())
        .hasSize(6)
        .allMatch(line -> line.contains(" harm: "));
    Files.deleteIfExists(outside.resolve("heap.hprof"));

    ChildJvm.Result with =
        ChildJvm.in(box)
            .jvmArg("-Dtoolguard.secret=" + SECRET)
            .agent("policy=../policy.yaml,audit=../audit.jsonl")
            .app(ManagementApp.class, outside.toString());
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.lines("MGMT "))
        .as(with.toString())
        .hasSize(6)
        .allMatch(line -> line.endsWith(" denied"));
    assertThat(with.lines("OUTSIDE ")).as(with.toString()).allMatch(line -> line.endsWith(" ok"));
    assertThat(outside.resolve("heap.hprof")).doesNotExist();
    List<Map<String, String>> audit = AuditLines.read(base.resolve("audit.jsonl"));
    assertThat(audit)
        .filteredOn(line -> "jvm".equals(line.get("event")) && "deny".equals(line.get("decision")))
        .extracting(line -> line.get("action"))
        .contains(
            "run a diagnostic command",
            "read the JVM's command line",
            "read every system property",
            "dump the heap",
            "set a VM option",
            "start a flight recording");
  }
}
