package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ProcessHandlesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, processes: through {@code ProcessHandle} code in a tool reads the JVM's command line
 * (and its secrets) and ends processes it never started. Without toolguard both happen; with it
 * both are denied, while a tool still ends a child it started itself.
 */
class ProcessHandlesIT {

  private static final String SECRET = "process-handle-secret";

  @TempDir Path base;

  @Test
  void aToolReachesOnlyTheProcessesToolsStarted() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          processes: {decision: allow, exec: ["sleep"]}
        """);

    List<String> without = run(box, false);
    assertThat(without)
        .containsExactly(
            "PROCESS this JVM's command line harm: read the secret on the command line",
            "PROCESS ending a process this JVM did not start harm: ended process STRANGER",
            "PROCESS ending a process the application started harm: ended the application's process",
            "PROCESS ending its own child ok");

    List<String> with = run(box, true);
    assertThat(with)
        .containsExactly(
            "PROCESS this JVM's command line denied",
            "PROCESS ending a process this JVM did not start denied",
            "PROCESS ending a process the application started denied",
            "PROCESS ending its own child ok");
  }

  /** Runs the application against a process of the test's; {@return its PROCESS lines} */
  private List<String> run(Path box, boolean withAgent) throws Exception {
    Process stranger = new ProcessBuilder("sleep", "60").start();
    try {
      ChildJvm child = ChildJvm.in(box).jvmArg("-Dtoolguard.secret=" + SECRET);
      if (withAgent) {
        child.agent("policy=../policy.yaml,audit=../audit.jsonl");
      }
      ChildJvm.Result result = child.app(ProcessHandlesApp.class, String.valueOf(stranger.pid()));
      assertThat(result.exitCode()).as(result.toString()).isZero();
      if (withAgent) {
        assertThat(stranger.isAlive()).as("the test's process survived").isTrue();
      }
      return result
          .stdout()
          .lines()
          .filter(line -> line.startsWith("PROCESS "))
          .map(line -> line.replace(String.valueOf(stranger.pid()), "STRANGER"))
          .toList();
    } finally {
      stranger.destroyForcibly();
      stranger.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
