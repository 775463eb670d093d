package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ExecApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool starts exactly the processes its exec grants name, with the files its redirects touch
 * checked.
 */
class ExecIT {

  @TempDir Path dir;

  private ChildJvm child() throws Exception {
    Files.createDirectories(dir.resolve("box/in"));
    Files.createDirectories(dir.resolve("box/out"));
    Files.writeString(dir.resolve("box/in/a.txt"), "a");
    Files.writeString(dir.resolve("secret.txt"), "secret");
    return ChildJvm.in(dir.resolve("box")).agent("policy=../policy.yaml,audit=../audit.jsonl");
  }

  @Test
  void aToolRunsTheCommandsItsGrantsNameAndNothingElse() throws Exception {
    int port = ApprovalApi.freePort();
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        approval:
          timeout: 30s
          web: {port: %d, token_file: approval.token}
        tools:
          run:
            decision: allow
            files:
              read: ["in/**"]
              write: ["out/**"]
            exec:
              - echo
              - command: /bin/ls
                args: ["-a in", "-l *"]
              - command: "true"
                ask: true
        """
            .formatted(port));
    CompletableFuture<ChildJvm.Result> running = child().inBackground(ExecApp.class, "grants");
    ApprovalApi api = ApprovalApi.await(dir.resolve("approval.token"), port);
    Map<String, Object> first =
        api.awaitPending(request -> "run a command".equals(request.get("method")));
    assertThat(first).containsEntry("tool", "run");
    assertThat((String) first.get("arguments")).startsWith("command=\"true\" (runs /");
    api.decide(first.get("id"), "{\"decision\":\"approve\"}");
    Object second =
        api.awaitPending(request -> !first.get("id").equals(request.get("id"))).get("id");
    api.decide(second, "{\"decision\":\"deny\",\"message\":\"No more.\"}");
    ChildJvm.Result result = running.get(60, TimeUnit.SECONDS);

    String denied = "denied: Tool 'run' may not run '%s': %s [rule ../policy.yaml:7]";
    String outside = dir.toRealPath().resolve("outside.txt").toString();
    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "echo: ran: hi",
            "not granted: "
                + denied.formatted(
                    "printf x",
                    "no exec grant of the tool's rule names 'printf' with these arguments"),
            "bare grant, run by path: "
                + denied.formatted(
                    "/bin/echo hi",
                    "no exec grant of the tool's rule names '/bin/echo' with these arguments"),
            "path grant, run by name: ran: . .. a.txt",
            "path grant, granted arguments: ran: " + lsLong(result),
            "path grant, other arguments: "
                + denied.formatted(
                    "ls -R /", "no exec grant of the tool's rule names 'ls' with these arguments"),
            "Runtime.exec: ran: exec",
            "pipeline: ran: . .. a.txt",
            "redirect into the sandbox: ran: exit",
            "redirect outside: denied: Tool 'run' may not write '../outside.txt' ("
                + outside
                + "): it is outside the"
                + " sandbox root "
                + dir.toRealPath().resolve("box")
                + " and no absolute write glob grants it [rule ../policy.yaml:7]",
            "input from outside: denied: Tool 'run' may not read '../secret.txt' ("
                + dir.toRealPath().resolve("secret.txt")
                + "): it is outside the sandbox root "
                + dir.toRealPath().resolve("box")
                + " and no absolute read glob grants it [rule ../policy.yaml:7]",
            "asks: ran: ",
            "asks again: denied: No more.");
    assertThat(lsLong(result)).startsWith("total ").endsWith(" a.txt");
    assertThat(dir.resolve("box/out/echo.txt")).hasContent("kept");
    assertThat(dir.resolve("outside.txt")).doesNotExist();
    List<Map<String, String>> execs =
        AuditLines.read(dir.resolve("audit.jsonl")).stream()
            .filter(line -> "exec".equals(line.get("event")))
            .toList();
    assertThat(execs)
        .extracting(line -> line.get("command") + " " + line.get("decision"))
        .containsExactly(
            "echo hi allow",
            "printf x deny",
            "/bin/echo hi deny",
            "ls -a in allow",
            "/bin/ls -l in allow",
            "ls -R / deny",
            "echo exec allow",
            "echo piped allow",
            "ls -a in allow",
            "echo kept allow",
            "true allow",
            "true deny");
    assertThat(execs.get(1).get("executable")).endsWith("/printf");
  }

  private static String lsLong(ChildJvm.Result result) {
    return result
        .stdout()
        .lines()
        .filter(line -> line.startsWith("path grant, granted arguments: ran: "))
        .findFirst()
        .map(line -> line.substring("path grant, granted arguments: ran: ".length()))
        .orElse("?");
  }

  @Test
  void withoutAnExecGrantNothingRunsAndAuditModeOnlyLogsIt() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nsandbox: box\nmode: audit\ntools:\n  run:\n" + "    decision: allow\n");
    ChildJvm.Result result = child().app(ExecApp.class, "audit");

    assertThat(result.stdout()).as(result.toString()).isEqualTo("not granted: ran: ran anyway\n");
    assertThat(AuditLines.read(dir.resolve("audit.jsonl")))
        .filteredOn(line -> "exec".equals(line.get("event")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .containsEntry("decision", "would-deny")
                    .containsEntry(
                        "reason", "the tool's rule grants no command (add an 'exec' list)"));
  }
}
