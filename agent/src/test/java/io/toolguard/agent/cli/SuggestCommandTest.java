package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.audit.AuditRecord;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.EnvRecord;
import io.toolguard.agent.audit.ExecRecord;
import io.toolguard.agent.audit.FileAccessRecord;
import io.toolguard.agent.audit.NetRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuggestCommandTest {

  @TempDir Path dir;

  private final CommandLine cli = new CommandLine();

  @Test
  void allowsEachToolThatRanAtTheHighestRiskItRanAtAndNothingThatWasDenied() throws Exception {
    String approvalNote =
        " each call waits for a person's approval: give the policy an 'approval:' channel, or it is denied";
    Path log =
        log(
            line("read_file", "LOW", Decision.ALLOW, "2026-01-01T00:00:00Z"),
            line("read_file", "MEDIUM", Decision.ALLOW, "2026-01-01T00:00:05Z"),
            line("send_email", "HIGH", Decision.WOULD_DENY, "2026-01-01T00:00:06Z"),
            line("deploy", "CRITICAL", Decision.WOULD_ASK, "2026-01-01T00:00:06Z"),
            line("wipe", "LOW", Decision.DENY, "2026-01-01T00:00:07Z"),
            "{\"time\":\"2026-01-01T00:00:08Z\",\"event\":\"policy-reloaded\",\"policy\":\"p\",\"sha256\":\"x\",\"detail\":\"\"}",
            line("odd name", "LOW", Decision.ALLOW, "2026-01-01T00:00:09Z"),
            line("ns:tool", "LOW", Decision.ALLOW, "2026-01-01T00:00:10Z"));

    assertThat(cli.run("suggest", log.toString(), "--sandbox", dir.resolve("box").toString()))
        .isEqualTo(Cli.OK);

    assertThat(cli.out())
        .isEqualTo(
            String.join(
                "\n",
                "# yaml-language-server: $schema=toolguard-policy.schema.json",
                "# Suggested by toolguard from " + log + ": 6 calls of 5 tools ran.",
                "# Review it before use: it allows everything that ran, including anything that should not have.",
                "version: 1",
                "sandbox: \"" + dir.resolve("box") + "\"",
                "unlisted_tools: deny",
                "tools:",
                "  # 2 calls of com.acme.Tools#read_file, 2026-01-01T00:00:00Z to 2026-01-01T00:00:05Z, highest risk MEDIUM",
                "  read_file:",
                "    decision: allow",
                "    risk: MEDIUM",
                "  # 1 call of com.acme.Tools#send_email, at 2026-01-01T00:00:06Z, highest risk HIGH",
                "  # note: it ran only because of audit mode; the policy of that run denied every call",
                "  # at risk HIGH" + approvalNote,
                "  send_email:",
                "    decision: allow",
                "    risk: HIGH",
                "  # 1 call of com.acme.Tools#deploy, at 2026-01-01T00:00:06Z, highest risk CRITICAL",
                "  # at risk CRITICAL" + approvalNote,
                "  deploy:",
                "    decision: allow",
                "    risk: CRITICAL",
                "  # 1 call of com.acme.Tools#odd name, at 2026-01-01T00:00:09Z, highest risk LOW",
                "  # a tool named \"odd name\" cannot be named exactly in a policy, so it gets no rule",
                "  # 1 call of com.acme.Tools#ns:tool, at 2026-01-01T00:00:10Z, highest risk LOW",
                "  \"ns:tool\":",
                "    decision: allow",
                "    risk: LOW",
                ""));
  }

  @Test
  void grantsTheCommandsAToolRanAndTheAddressesItReached() throws Exception {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    Path log =
        log(
            line("build", "LOW", Decision.ALLOW, "2026-01-01T00:00:00Z"),
            new ExecRecord(
                    at,
                    "c",
                    "build",
                    "git status",
                    "/usr/bin/git",
                    Decision.ALLOW,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new ExecRecord(
                    at,
                    "c",
                    "build",
                    "git status",
                    "/usr/bin/git",
                    Decision.ALLOW,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new ExecRecord(
                    at,
                    "c",
                    "build",
                    "./gradlew build",
                    "/srv/box/gradlew",
                    Decision.WOULD_DENY,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new ExecRecord(
                    at,
                    "c",
                    "build",
                    "rm -rf /",
                    "/usr/bin/rm",
                    Decision.DENY,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new NetRecord(
                    at,
                    "c",
                    "build",
                    "connect",
                    "repo.example.com",
                    "203.0.113.7:443",
                    Decision.ALLOW,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new NetRecord(
                    at,
                    "c",
                    "build",
                    "connect",
                    null,
                    "::1:5432",
                    Decision.WOULD_DENY,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new NetRecord(
                    at,
                    "c",
                    "build",
                    "listen",
                    null,
                    "127.0.0.1:0",
                    Decision.WOULD_DENY,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new NetRecord(
                    at,
                    "c",
                    "build",
                    "resolve",
                    "repo.example.com",
                    null,
                    Decision.WOULD_DENY,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new NetRecord(
                    at,
                    "c",
                    "build",
                    "connect",
                    null,
                    "unix:/run/docker.sock",
                    Decision.WOULD_DENY,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new EnvRecord(
                    at,
                    "c",
                    "build",
                    "variable",
                    "GRADLE_OPTS",
                    Decision.WOULD_DENY,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson(),
            new EnvRecord(
                    at, "c", "build", "variable", "*", Decision.WOULD_DENY, "p.yaml:1", "r", "main")
                .toJson(),
            new EnvRecord(
                    at,
                    "c",
                    "build",
                    "property",
                    "user.home",
                    Decision.ALLOW,
                    "p.yaml:1",
                    "r",
                    "main")
                .toJson());

    assertThat(cli.run("suggest", log.toString(), "--sandbox", dir.resolve("box").toString()))
        .isEqualTo(Cli.OK);

    assertThat(cli.out())
        .endsWith(
            String.join(
                "\n",
                "  build:",
                "    decision: allow",
                "    risk: LOW",
                "    exec:",
                "      - {command: \"/srv/box/gradlew\", args: [\"build\"]}  # 1 run",
                "      - {command: \"git\", args: [\"status\"]}  # 2 runs",
                "    env:",
                "      properties:",
                "        - \"user.home\"  # read 1 time",
                "      variables:",
                "        - \"GRADLE_OPTS\"  # read 1 time",
                "    net:",
                "      connect:",
                "        - \"[::1]:5432\"  # 1 time",
                "        - \"repo.example.com:443\"  # 1 time",
                "        - \"unix:/run/docker.sock\"  # 1 time",
                "      listen:",
                "        - \"127.0.0.1:0\"  # 1 time",
                ""));
    Path suggested = java.nio.file.Files.writeString(dir.resolve("suggested.yaml"), cli.out());
    assertThat(io.toolguard.agent.policy.read.PolicyParser.parse(suggested).tools().get(0).exec())
        .hasSize(2);
  }

  @Test
  void filesOutsideTheSandboxAreNotGrantedUnlessAskedForAndThenFlagged() throws Exception {
    Path box = dir.resolve("box");
    Path log =
        log(
            line("read_file", "LOW", Decision.ALLOW, "2026-01-01T00:00:00Z"),
            file("read", box.resolve("data/a.md").toString(), Decision.ALLOW),
            file("write", box.resolve("config/app.conf").toString(), Decision.WOULD_DENY),
            file("read", "/etc/passwd", Decision.WOULD_DENY),
            file("read", "/etc/passwd", Decision.WOULD_DENY),
            file("read", "/srv/ref/x.md", Decision.ALLOW));

    assertThat(cli.run("suggest", log.toString(), "--sandbox", box.toString())).isEqualTo(Cli.OK);

    assertThat(cli.out())
        .contains(
            "      read:\n        - \"data/a.md\"  # 1 access\n",
            "      write:\n        - \"config/app.conf\"  # 1 access  # would-deny in that run\n",
            "    # not granted: read /etc/passwd (2 accesses, would-deny in that run, outside the"
                + " sandbox; --include-outside grants it)\n",
            "    # not granted: read /srv/ref/x.md (1 access, outside the sandbox;")
        .doesNotContain("- \"/etc/passwd\"", "- \"/srv/ref/x.md\"");

    CommandLine including = new CommandLine();
    assertThat(
            including.run(
                "suggest", log.toString(), "--sandbox", box.toString(), "--include-outside"))
        .isEqualTo(Cli.OK);

    assertThat(including.out())
        .contains(
            "        - \"/etc/passwd\"  # 2 accesses  # would-deny in that run: outside the sandbox\n",
            "        - \"/srv/ref/x.md\"  # 1 access  # outside the sandbox\n")
        .doesNotContain("not granted");
  }

  @Test
  void outputGoesToTheFileOnlyWhenTheWholeLogWasRead() throws Exception {
    Path good = log(line("read_file", "LOW", Decision.ALLOW, "2026-01-01T00:00:00Z"));
    Path written = dir.resolve("suggested.yaml");

    assertThat(
            cli.run("suggest", good.toString(), "--sandbox", "box", "--output", written.toString()))
        .isEqualTo(Cli.OK);
    assertThat(Files.readString(written)).contains("  read_file:\n");
    assertThat(cli.out()).isEmpty();

    Path broken = dir.resolve("broken.jsonl");
    Files.writeString(broken, "{\"waited_ms\":12,\"earlier\":tru}\n");
    Path notWritten = dir.resolve("not-written.yaml");
    assertThat(
            cli.run(
                "suggest",
                broken.toString(),
                "--sandbox",
                "box",
                "--output",
                notWritten.toString()))
        .isEqualTo(Cli.FAILED);
    assertThat(notWritten).doesNotExist();
    assertThat(cli.err()).contains(broken + ":1: not an audit log line", "(in field 'earlier')");

    assertThat(cli.run("suggest", dir.resolve("missing.jsonl").toString(), "--sandbox", "box"))
        .isEqualTo(Cli.FAILED);
    assertThat(cli.err()).contains("missing.jsonl: the audit log does not exist");
  }

  @Test
  void anEmptyLogSuggestsAPolicyThatAllowsNothing() throws Exception {
    Path log = log();

    assertThat(cli.run("suggest", log.toString(), "--sandbox", "box")).isEqualTo(Cli.OK);

    assertThat(cli.out()).contains("0 calls of 0 tools ran", "unlisted_tools: deny\ntools: {}\n");
  }

  @Test
  void aBrokenLogOrBadArgumentsFail() throws Exception {
    Path log = log("{broken");

    assertThat(cli.run("suggest", log.toString(), "--sandbox", "box")).isEqualTo(Cli.FAILED);
    assertThat(cli.run("suggest", log.toString())).isEqualTo(Cli.USAGE);
    assertThat(cli.run("suggest", "--sandbox", "box")).isEqualTo(Cli.USAGE);
    assertThat(cli.err())
        .contains(
            log + ":1: not an audit log line",
            "--sandbox DIR is required",
            "give exactly one audit log");
  }

  private Path log(String... lines) throws Exception {
    return Files.writeString(
        dir.resolve("audit.jsonl"), lines.length == 0 ? "" : String.join("\n", lines) + "\n");
  }

  private static String file(String operation, String resolved, Decision decision) {
    return new FileAccessRecord(
            Instant.parse("2026-01-01T00:00:01Z"),
            "c",
            "read_file",
            operation,
            resolved,
            resolved,
            decision,
            "p.yaml:1",
            "why",
            "main")
        .toJson();
  }

  private static String line(String tool, String risk, Decision decision, String time) {
    return new AuditRecord(
            Instant.parse(time),
            "c",
            null,
            tool,
            "com.acme.Tools#" + tool,
            risk,
            decision,
            "p.yaml:1",
            "why",
            "",
            "main")
        .toJson();
  }
}
