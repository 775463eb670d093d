package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

  @TempDir Path dir;

  private final CommandLine cli = new CommandLine();

  @Test
  void validateAcceptsValidPolicies() throws Exception {
    Path good = write("good.yaml", "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n");

    assertThat(run("validate", good.toString())).isEqualTo(Cli.OK);
    assertThat(cli.out())
        .contains("good.yaml: valid (1 tool rules, mode enforce, sandbox " + dir.resolve("box"));
  }

  @Test
  void validatePrintsWarningsButStillSucceeds() throws Exception {
    Path broad =
        write("broad.yaml", "version: 1\nsandbox: box\ntools:\n  \"*\":\n    decision: allow\n");

    assertThat(run("validate", broad.toString())).isEqualTo(Cli.OK);
    assertThat(cli.err()).contains(broad + ":4:3: warning: rule '*' allows every tool");
    assertThat(cli.out()).contains("broad.yaml: valid");
  }

  @Test
  void validateNamesGrantsTheProcessesOfARuleDoNotGetFromTheKernel() throws Exception {
    Files.createDirectories(dir.resolve("box/docs"));
    Path partial =
        write(
            "partial.yaml",
            "version: 1\nsandbox: box\ntools:\n  build:\n    decision: allow\n    exec: [make]\n"
                + "    files: {read: [\"docs/*.md\"]}\n");

    assertThat(run("validate", partial.toString())).isEqualTo(Cli.OK);
    assertThat(cli.err())
        .contains(
            partial
                + ":4:3: warning: processes tool rule 'build' starts do not get its read glob"
                + " \"docs/*.md\": it matches only some of what is in "
                + dir.toRealPath().resolve("box/docs")
                + ", and the kernel grants whole folders; grant \"docs/**\" or name the files");
  }

  @Test
  void validateWarnsAboutToolguardsOwnFilesInsideTheSandbox() throws Exception {
    Path inside = write("inside.yaml", "version: 1\nsandbox: .\n");

    assertThat(run("validate", inside.toString())).isEqualTo(Cli.OK);
    assertThat(cli.err())
        .contains(
            inside
                + ":1:1: warning: the policy file "
                + inside
                + " is inside the sandbox root "
                + dir
                + "; no tool may touch it whatever its grants");
    assertThat(cli.out()).contains("inside.yaml: valid");
  }

  @Test
  void validateReportsEveryBadFileAndFails() throws Exception {
    Path good = write("good.yaml", "version: 1\nsandbox: box\n");
    Path bad = write("bad.yaml", "version: 1\nsandbox: box\ntools:\n  t:\n    decision: alow\n");

    assertThat(run("validate", good.toString(), bad.toString(), dir.toString()))
        .isEqualTo(Cli.FAILED);
    assertThat(cli.out()).contains("good.yaml: valid");
    assertThat(cli.err())
        .contains("bad.yaml:5:15: 'decision' must be allow, ask or deny, not 'alow'")
        .contains(dir + ":1:1: this is a directory; give the path of a policy file");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run()).isEqualTo(Cli.USAGE);
    assertThat(run("validate")).isEqualTo(Cli.USAGE);
    assertThat(run("frobnicate")).isEqualTo(Cli.USAGE);
    assertThat(cli.err())
        .contains("unknown command 'frobnicate'", "usage: java -jar toolguard-agent.jar");
  }

  @Test
  void helpAndVersionSucceed() {
    assertThat(run("--help")).isEqualTo(Cli.OK);
    assertThat(run("validate", "--help")).isEqualTo(Cli.OK);
    assertThat(run("--version")).isEqualTo(Cli.OK);
    assertThat(cli.out()).contains("validate [--strict] POLICY...", "toolguard ");
  }

  @Test
  void dashHAfterACommandIsHelpNotAFileName() {
    for (String command : java.util.List.of("validate", "explain", "test", "suggest", "attach")) {
      CommandLine each = new CommandLine();
      assertThat(each.run(command, "-h")).as(command).isEqualTo(Cli.OK);
      assertThat(each.out())
          .as(command)
          .startsWith("usage: java -jar toolguard-agent.jar " + command);
      assertThat(each.err()).as(command).isEmpty();
    }
    CommandLine explain = new CommandLine();
    explain.run("explain", "--help");
    assertThat(explain.out().replaceAll("\\s+", " "))
        .contains("the policy's default_risk applies (HIGH unless the policy sets it)");
  }

  @Test
  void strictValidationFailsOnWarningsForCi() throws Exception {
    Path broad =
        write("broad.yaml", "version: 1\nsandbox: box\ntools:\n  \"*\":\n    decision: allow\n");
    Path clean = write("clean.yaml", "version: 1\nsandbox: box\n");

    assertThat(run("validate", "--strict", clean.toString(), broad.toString()))
        .isEqualTo(Cli.FAILED);
    assertThat(cli.out()).contains("clean.yaml: valid").doesNotContain("broad.yaml: valid");
    assertThat(cli.err())
        .contains(
            broad + ":4:3: warning: rule '*' allows every tool",
            broad + ": 1 warning, which --strict counts as problems");
    assertThat(new CommandLine().run("validate", "--strict", clean.toString())).isEqualTo(Cli.OK);
  }

  @Test
  void aBaselineIsCheckedByItselfWithBase() throws Exception {
    Path baseline =
        write(
            "baseline.yaml",
            "version: 1\nmode: enforce\nlocked: [mode]\ntools:\n  \"*_admin\":\n"
                + "    decision: deny\n  send_email:\n    decision: deny\n");

    assertThat(run("validate", baseline.toString())).isEqualTo(Cli.FAILED);
    assertThat(cli.err())
        .contains(baseline + ":1:1: missing 'sandbox'", "check it alone with validate --base");

    CommandLine base = new CommandLine();
    assertThat(base.run("validate", "--base", "--strict", baseline.toString())).isEqualTo(Cli.OK);
    assertThat(base.out())
        .contains(
            "baseline.yaml: valid baseline (2 tool rules, mode enforce, sandbox left to the"
                + " including policy, unlisted tools denied)");

    Path broken = write("broken.yaml", "version: 1\ntools:\n  t:\n    decision: alow\n");
    CommandLine bad = new CommandLine();
    assertThat(bad.run("validate", "--base", broken.toString())).isEqualTo(Cli.FAILED);
    assertThat(bad.err()).contains("broken.yaml:4:15: 'decision' must be allow, ask or deny");
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private int run(String... args) {
    return cli.run(args);
  }
}
