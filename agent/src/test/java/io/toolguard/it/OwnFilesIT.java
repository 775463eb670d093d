package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.OwnFilesApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * toolguard's own files placed, on purpose, inside the sandbox of a tool that may read, write and
 * delete everything there: the policy, a policy it includes, the audit log and the approval token
 * file. Without the agent the tool reads, rewrites, truncates, deletes, moves, links and changes
 * each of them; with it, every attempt is denied, in enforce and in audit mode, and the files stay
 * as they were. Beside them, a file with a second hard link to a secret outside the sandbox reads
 * the secret without the agent and is denied with it, unless an absolute glob grants it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnFilesIT {

  private static final String POLICY =
      """
      version: 1
      include: base.yaml
      sandbox: ..
      approval:
        web: {port: 0, token_file: approval.token}
      tools:
        fs:
          decision: allow
          risk: LOW
          files:
            read: ["**", "SHARED/**"]
            write: ["**"]
            delete: ["**"]
      """;

  private static final String BASE =
      """
      version: 1
      tools:
        "*_admin":
          decision: deny
      """;

  private static final String MARKER = "{\"marker\":\"written before the JVM started\"}\n";

  private static final List<String> TARGETS =
      List.of("conf/policy.yaml", "conf/base.yaml", "logs/audit.jsonl", "conf/approval.token");

  private static final Pattern ATTEMPT =
      Pattern.compile("ATTEMPT (\\S+) (\\S+) (ok|denied|failed) ?(.*)");

  @TempDir static Path dir;

  private Run free;
  private Run enforced;
  private Run audited;

  /** One run's attempts, by "ACTION PATH", and the child JVM's result. */
  record Run(Path base, ChildJvm.Result result, Map<String, Matcher> attempts) {

    Matcher attempt(String action, String path) {
      Matcher attempt = attempts.get(action + " " + path);
      assertThat(attempt).as("attempt %s %s in %s", action, path, result).isNotNull();
      return attempt;
    }

    Path box() {
      return base.resolve("box");
    }
  }

  @BeforeAll
  void runTheToolWithAndWithoutTheAgent() throws Exception {
    free = run("without-agent", null);
    enforced = run("enforce", "enforce");
    audited = run("audit", "audit");
  }

  private Run run(String name, String mode) throws Exception {
    Path base = Files.createDirectories(dir.resolve(name));
    Path box = Files.createDirectories(base.resolve("box"));
    Path pristine = base.resolve("pristine");
    String policy = POLICY.replace("SHARED", box.toRealPath().resolve("shared").toString());
    write(pristine.resolve("conf/policy.yaml"), policy);
    write(pristine.resolve("conf/base.yaml"), BASE);
    write(pristine.resolve("logs/audit.jsonl"), MARKER);
    write(pristine.resolve("conf/approval.token"), "not-a-real-token\n");
    for (String file : List.of("conf/policy.yaml", "conf/base.yaml", "logs/audit.jsonl")) {
      write(box.resolve(file), Files.readString(pristine.resolve(file)));
    }
    write(box.resolve("work/notes.txt"), "my notes\n");
    Files.createDirectories(box.resolve("scratch"));
    Path secret = write(base.resolve("secret.txt"), "the secret outside the sandbox\n");
    Files.createLink(box.resolve("work/linked.txt"), secret);
    Path reference = write(base.resolve("reference.txt"), "shared reference\n");
    Files.createDirectories(box.resolve("shared"));
    Files.createLink(box.resolve("shared/reference.txt"), reference);

    ChildJvm child = ChildJvm.in(box);
    if (mode != null) {
      child.agent("policy=conf/policy.yaml,audit=logs/audit.jsonl,reload=0.2,mode=" + mode);
    } else {
      write(box.resolve("conf/approval.token"), "not-a-real-token\n");
    }
    List<String> targets = mode == null || mode.equals("enforce") ? TARGETS : TARGETS.subList(0, 3);
    String[] args =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(mode == null ? "restore" : "as-is"), targets.stream())
            .toArray(String[]::new);
    ChildJvm.Result result = child.app(OwnFilesApp.class, args);
    Map<String, Matcher> attempts =
        result
            .stdout()
            .lines()
            .filter(line -> line.startsWith("ATTEMPT "))
            .map(ATTEMPT::matcher)
            .filter(Matcher::matches)
            .collect(
                Collectors.toMap(
                    m -> m.group(1) + " " + m.group(2), m -> m, (first, later) -> first));
    return new Run(base, result, attempts);
  }

  private static Path write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void withoutTheAgentEveryAttackOnEveryFileDoesItsHarm() {
    for (String target : TARGETS) {
      for (String attack : attacks()) {
        Matcher attempt = free.attempt(attack, target);
        assertThat(attempt.group(3)).as(attempt.group()).isEqualTo("ok");
        assertThat(attempt.group(4)).as(attempt.group()).doesNotEndWith("false");
      }
    }
    assertThat(free.attempt("read", "conf/policy.yaml").group(4)).startsWith("version: 1");
    assertThat(free.attempt("read", "logs/audit.jsonl").group(4)).contains("marker");
    assertThat(free.attempt("read", "conf/approval.token").group(4)).isEqualTo("not-a-real-token|");
  }

  @Test
  void withTheAgentEveryAttackIsDeniedNamingTheFile() {
    Map<String, String> kinds =
        Map.of(
            "conf/policy.yaml", "policy file",
            "conf/base.yaml", "policy file",
            "logs/audit.jsonl", "audit log",
            "conf/approval.token", "approval token file");
    for (String target : TARGETS) {
      for (String attack : attacks()) {
        Matcher attempt = enforced.attempt(attack, target);
        assertThat(attempt.group(3)).as(attempt.group()).isEqualTo("denied");
        // Moving a folder touches every own file in it; the denial names the first.
        String kind = attack.startsWith("folder-") ? "" : kinds.get(target) + "; ";
        assertThat(attempt.group(4))
            .as(attempt.group())
            .startsWith("Tool 'fs' may not ")
            .contains(": it is toolguard's " + kind)
            .endsWith("; no tool may touch it, whatever its grants [toolguard]");
      }
    }
  }

  @Test
  void withTheAgentTheFilesStayAsTheyWere() throws Exception {
    Path box = enforced.box();
    Path pristine = enforced.base().resolve("pristine");
    for (String file : List.of("conf/policy.yaml", "conf/base.yaml")) {
      assertThat(Files.readAllBytes(box.resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(pristine.resolve(file)));
    }
    List<String> audit = Files.readAllLines(box.resolve("logs/audit.jsonl"));
    assertThat(audit.get(0) + "\n")
        .as("the audit log keeps what was written before")
        .isEqualTo(MARKER);
    assertThat(audit.stream().filter(line -> line.contains("\"event\":\"file\"")))
        .filteredOn(line -> line.contains("\"decision\":\"deny\""))
        .filteredOn(line -> line.contains("it is toolguard's"))
        .hasSizeGreaterThanOrEqualTo(TARGETS.size() * attacks().size());
    assertThat(audit).noneMatch(line -> line.contains("policy-reloaded"));
    assertThat(enforced.result().stderr()).doesNotContain("reloaded");
    Matcher url = Pattern.compile("\\?token=([0-9a-f]+) ").matcher(enforced.result().stderr());
    assertThat(url.find()).as(enforced.result().toString()).isTrue();
    assertThat(enforced.result().stdout())
        .as("the token file still holds the token, readable by its owner only")
        .contains("TOKEN-AT-END " + url.group(1) + " rw-------");
    assertThat(Files.list(box.resolve("scratch"))).as("nothing was moved or linked out").isEmpty();
  }

  @Test
  void startUpWarnsAboutEachOwnFileInsideTheSandbox() {
    assertThat(enforced.result().stderr())
        .contains(
            "toolguard: warning: the policy file "
                + enforced.box().resolve("conf/policy.yaml")
                + " is inside the sandbox root",
            "toolguard: warning: the policy file " + enforced.box().resolve("conf/base.yaml"),
            "toolguard: warning: the audit log " + enforced.box().resolve("logs/audit.jsonl"),
            "toolguard: warning: the approval token file "
                + enforced.box().resolve("conf/approval.token"));
  }

  @Test
  void auditModeDeniesThemToo() throws Exception {
    for (String target : TARGETS.subList(0, 3)) {
      for (String attack : attacks()) {
        Matcher attempt = audited.attempt(attack, target);
        assertThat(attempt.group(3)).as(attempt.group()).isEqualTo("denied");
      }
    }
    Path box = audited.box();
    assertThat(Files.readString(box.resolve("conf/policy.yaml")))
        .isEqualTo(Files.readString(audited.base().resolve("pristine/conf/policy.yaml")));
    assertThat(Files.readAllLines(box.resolve("logs/audit.jsonl")))
        .filteredOn(line -> line.contains("it is toolguard's"))
        .allMatch(line -> line.contains("\"decision\":\"deny\""))
        .isNotEmpty();
  }

  @Test
  void aPathToolguardCannotResolveIsDeniedInAuditModeToo() {
    assertThat(free.attempt("secure-stream-read", "logs/audit.jsonl").group())
        .contains(" ok {\"marker\"");
    assertThat(enforced.attempt("secure-stream-read", "logs/audit.jsonl").group(3))
        .isEqualTo("denied");
    assertThat(audited.attempt("secure-stream-read", "logs/audit.jsonl").group(4))
        .startsWith("Tool 'fs' may not read 'audit.jsonl': the path is relative to an open")
        .endsWith(
            ", so it may be one of toolguard's own files, which no tool may touch [toolguard]");
  }

  @Test
  void theToolsOtherFilesKeepWorking() {
    for (Run run : List.of(free, enforced, audited)) {
      assertThat(run.attempt("read", "work/notes.txt").group()).endsWith(" ok my notes|");
      assertThat(run.attempt("write", "work/notes.txt").group(3)).isEqualTo("ok");
      assertThat(run.attempt("read-stream", "work/notes.txt").group(4))
          .as("after a reload interval")
          .startsWith("version: 1");
      assertThat(run.attempt("read", "shared/reference.txt").group())
          .as("a file with two links that an absolute glob grants")
          .endsWith(" ok shared reference|");
    }
  }

  @Test
  void aHardLinkToASecretReadsItWithoutTheAgentAndIsDeniedWithIt() throws Exception {
    assertThat(free.attempt("read", "work/linked.txt").group())
        .endsWith(" ok the secret outside the sandbox|");
    assertThat(free.attempt("write", "work/linked.txt").group(3)).isEqualTo("ok");
    assertThat(Files.readString(free.base().resolve("secret.txt"))).startsWith("version: 1");

    for (String action : List.of("read", "write", "delete")) {
      assertThat(enforced.attempt(action, "work/linked.txt").group(4))
          .startsWith("Tool 'fs' may not " + action + " '" + "work/linked.txt' (")
          .contains(
              ": it is a file with 2 hard links, so it may be the same file as one outside the"
                  + " sandbox, and sandbox-relative globs do not grant such files; if it is meant"
                  + " to be shared, grant it with an absolute "
                  + action
                  + " glob");
    }
    assertThat(Files.readString(enforced.base().resolve("secret.txt")))
        .isEqualTo("the secret outside the sandbox\n");
    assertThat(enforced.box().resolve("work/linked.txt")).exists();
    assertThat(audited.attempt("read", "work/linked.txt").group())
        .as("audit mode lets it through and logs it")
        .endsWith(" ok the secret outside the sandbox|");
  }

  @Test
  void aToolCannotUseTheApproversTerminalWhileTheTerminalChannelAsks() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) for a terminal");
    String without = onATerminal("terminal-without-agent", false);
    assertThat(without)
        .contains("ATTEMPT read-line /dev/tty ok typed by the approver")
        .containsPattern("ATTEMPT write-line /dev/pts/\\d+ ok written");
    assertThat(dir.resolve("terminal-without-agent/screen.txt"))
        .content()
        .as("a prompt forged on the terminal's other name")
        .contains("forged approval prompt");

    String with = onATerminal("terminal-with-agent", true);
    assertThat(with)
        .contains(
            "ATTEMPT read-line /dev/tty denied Tool 'fs' may not read '/dev/tty': it is"
                + " toolguard's approval terminal; no tool may touch it, whatever its grants"
                + " [toolguard]",
            "ATTEMPT exists /dev/tty denied Tool 'fs' may not probe '/dev/tty': it is"
                + " toolguard's approval terminal")
        .containsPattern(
            "ATTEMPT write-line /dev/pts/\\d+ denied Tool 'fs' may not write '/dev/pts/\\d+': it is"
                + " toolguard's approval terminal");
  }

  /** Runs {@code OwnFilesApp terminal} under script(1), types a line, returns its stdout. */
  private static String onATerminal(String name, boolean withAgent) throws Exception {
    Path work = Files.createDirectories(dir.resolve(name));
    Files.writeString(
        work.resolve("policy.yaml"),
        "version: 1\nsandbox: box\napproval: {terminal: true}\ntools:\n  fs:\n"
            + "    decision: allow\n    risk: LOW\n"
            + "    files: {read: [\"/dev/tty\"], write: [\"/dev/tty\", \"/dev/pts/**\"]}\n");
    List<String> jvmArgs =
        withAgent
            ? List.of("-javaagent:" + ChildJvm.AGENT_JAR + "=policy=policy.yaml,audit=audit.jsonl")
            : List.of();
    String command =
        ChildJvm.javaCommand(jvmArgs, OwnFilesApp.class, "terminal").stream()
            .map(arg -> "'" + arg + "'")
            .collect(Collectors.joining(" "));
    Process process =
        new ProcessBuilder(
                "script", "-qfec", command + " > out.txt 2> err.txt < /dev/null", "/dev/null")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("screen.txt").toFile())
            .start();
    process.getOutputStream().write("typed by the approver\n".getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
    boolean finished = process.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String out = Files.readString(work.resolve("out.txt"));
    assertThat(finished)
        .as("%s\nstderr:\n%s", out, Files.readString(work.resolve("err.txt")))
        .isTrue();
    return out;
  }

  private static List<String> attacks() {
    return OwnFilesApp.ATTACKS;
  }
}
