package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.BootstrapPacker;
import io.toolguard.it.app.AttachApp;
import io.toolguard.it.app.EarlyBridgeApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar toolguard-agent.jar attach PID policy=...} against a JVM that runs already and
 * has loaded its tool classes and the JDK's file classes: from then on its tools and their file
 * access are guarded; an invalid policy or a second attach changes nothing.
 */
class AttachIT {

  static final String POLICY =
      """
      version: 1
      sandbox: .
      approval:
        web: {port: 0}
      tools:
        lookup:
          decision: allow
          files:
            write: ["markers/**"]
        wipe:
          decision: deny
        rename:
          decision: allow
      """;

  @TempDir Path dir;

  @Test
  void attachingGuardsToolsAndFilesOfARunningJvmOnceOnly() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Files.writeString(
        dir.resolve("broken.yaml"),
        "version: 1\nsandbox: .\ntools:\n  lookup:\n    decision: perhaps\n");
    Path operator = Files.createDirectories(dir.resolve("operator"));
    CompletableFuture<ChildJvm.Result> app =
        ChildJvm.in(dir).inBackground(AttachApp.class, "markers");
    String pid = awaitPid(app);

    ChildJvm.Result broken =
        ChildJvm.in(operator).jar(ChildJvm.AGENT_JAR, "attach", pid, "policy=../broken.yaml");
    ChildJvm.Result attached =
        ChildJvm.in(operator)
            .jar(ChildJvm.AGENT_JAR, "attach", pid, "policy=../policy.yaml,audit=../audit.jsonl");
    ChildJvm.Result again =
        ChildJvm.in(operator).jar(ChildJvm.AGENT_JAR, "attach", pid, "policy=../policy.yaml");
    Files.writeString(dir.resolve("go"), "");
    ChildJvm.Result result = app.get(60, TimeUnit.SECONDS);

    assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
    assertThat(broken.stderr())
        .as(broken.toString())
        .contains(
            "broken.yaml:5:15: ",
            "perhaps",
            "the policy is invalid, so nothing was attached to JVM " + pid);
    assertThat(attached.exitCode()).as(attached.toString()).isZero();
    assertThat(attached.stdout())
        .as(attached.toString())
        .contains(
            "attached to JVM " + pid + ": toolguard ",
            "policy " + dir.resolve("operator/../policy.yaml"),
            "audit log " + dir.resolve("audit.jsonl"));
    assertThat(attached.stdout())
        .as("whoever attached is told where to approve, not only the target's stderr")
        .containsPattern(
            "approvals: approve calls at http://127\\.0\\.0\\.1:[0-9]+/ with the token in \\S*"
                + "toolguard-approval-"
                + pid
                + "\\.token");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.stderr())
        .as(again.toString())
        .contains("JVM " + pid + " is guarded already, so nothing was changed:");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .as(result.toString())
        .contains(
            "before lookup: ran",
            "before wipe: ran",
            "before rename: ran",
            "after lookup: ran",
            "after wipe: denied: Tool 'wipe' was denied by toolguard",
            "after rename: denied: Tool 'rename' may not write");
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(call -> call.get("tool") + " " + call.get("decision"))
        .containsExactly("lookup allow", "wipe deny", "rename allow");
    if (Runtime.version().feature() >= 21) {
      assertThat(result.stderr()).contains("WARNING: A Java agent has been loaded dynamically");
    }
  }

  @Test
  void aJvmStartedWithTheAgentIsNotAttachedAgain() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    CompletableFuture<ChildJvm.Result> app =
        ChildJvm.in(dir).agent("policy=policy.yaml").inBackground(AttachApp.class, "markers");
    String pid = awaitPid(app);

    ChildJvm.Result again =
        ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "attach", pid, "policy=policy.yaml,mode=audit");
    Files.writeString(dir.resolve("go"), "");
    ChildJvm.Result result = app.get(60, TimeUnit.SECONDS);

    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.stderr())
        .as(again.toString())
        .contains(
            "JVM " + pid + " is guarded already, so nothing was" + " changed: toolguard ",
            "mode enforce");
    assertThat(result.stdout())
        .as(result.toString())
        .contains("before wipe: denied", "after wipe: denied");
  }

  @Test
  void aJvmThatLoadedToolguardsBridgeItselfIsToldWhyToolguardCannotStartThere() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    // The agent jar holds the bootstrap package only packed; here the application bundles a copy
    // of the build's class files of it.
    Path bundled = dir.resolve("bundled");
    for (Map.Entry<String, byte[]> entry :
        BootstrapPacker.classFiles(ChildJvm.agentClasses()).entrySet()) {
      Path copy = bundled.resolve(entry.getKey());
      Files.createDirectories(copy.getParent());
      Files.write(copy, entry.getValue());
    }
    CompletableFuture<ChildJvm.Result> app =
        ChildJvm.in(dir)
            .inBackground(
                ChildJvm.classPath(ChildJvm.testClasses(), bundled), EarlyBridgeApp.class);
    String pid = awaitPid(app);

    ChildJvm.Result attached =
        ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "attach", pid, "policy=policy.yaml");
    Files.writeString(dir.resolve("go"), "");
    ChildJvm.Result result = app.get(60, TimeUnit.SECONDS);

    assertThat(result.stdout())
        .as(result.toString())
        .startsWith("bridge loaded by jdk.internal.loader.ClassLoaders$App");
    assertThat(attached.exitCode()).as(attached.toString()).isEqualTo(1);
    assertThat(attached.stderr())
        .as(attached.toString())
        .contains(
            "toolguard did not start in JVM "
                + pid
                + ", which runs on unguarded: io.toolguard.bootstrap.Dispatcher is loaded by "
                + "jdk.internal.loader.ClassLoaders$AppClassLoader",
            ", not the bootstrap class loader: ",
            "take it off the class path and give toolguard only as -javaagent:toolguard-agent.jar (or attach it)");
  }

  private String awaitPid(CompletableFuture<ChildJvm.Result> app) throws Exception {
    Path pid = dir.resolve("pid");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(pid)) {
      assertThat(app).as("the application ended before it was ready").isNotDone();
      assertThat(System.nanoTime())
          .as("the application wrote its pid within 30 s")
          .isLessThan(deadline);
      Thread.sleep(20);
    }
    return Files.readString(pid);
  }
}
