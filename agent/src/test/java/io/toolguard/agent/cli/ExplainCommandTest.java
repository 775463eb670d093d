package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {

  static final String POLICY =
      """
      version: 1
      sandbox: box
      tools:
        "*":
          decision: allow
          risk: MEDIUM
        "read_*":
          decision: allow
          files:
            read: ["data/**"]
        read_file:
          decision: allow
          risk: LOW
          files:
            read: ["docs/**"]
        "*_secret":
          decision: deny
      """;

  @TempDir Path dir;

  private final CommandLine cli = new CommandLine();
  private Path policy;

  @BeforeEach
  void writePolicy() throws Exception {
    policy = Files.writeString(dir.resolve("app.yaml"), POLICY);
  }

  @Test
  void namesTheDecidingRuleAndWhyEveryOtherMatchLost() {
    assertThat(explain("--tool", "read_file")).isEqualTo(Cli.OK);

    assertThat(cli.out())
        .isEqualTo(
            String.join(
                "\n",
                "tool read_file: allow",
                "  risk           LOW (set by the deciding rule)",
                "  deciding rule  " + policy + ":11 'read_file' (allow, risk LOW)",
                "  reason         allowed by policy rule 'read_file'",
                "  also matched   "
                    + policy
                    + ":4 '*' (allow, risk MEDIUM): lost, 'read_file' names the tool exactly",
                "  also matched   "
                    + policy
                    + ":7 'read_*' (allow): lost, 'read_file' names the tool exactly",
                ""));
  }

  @Test
  void denyBeatsAMoreSpecificAllow() {
    explain("--tool", "read_secret", "--risk", "low");

    assertThat(cli.out())
        .startsWith("tool read_secret: deny\n")
        .contains("deciding rule  " + policy + ":16 '*_secret' (deny)")
        .contains("'read_*' (allow): lost, deny beats allow")
        .contains("'*' (allow, risk MEDIUM): lost, deny beats allow");
  }

  @Test
  void aHighRiskToolAsksAndTheDefaultRiskIsSaid() {
    explain("--tool", "read_mail");

    assertThat(cli.out())
        .startsWith("tool read_mail: ask\n")
        .contains(
            "risk           HIGH (the policy's default_risk, as for a framework annotation, which states none;"
                + " give --risk for the risk a tool's annotation states)")
        .contains("; risk HIGH needs a person's approval")
        .contains(
            "'*' (allow, risk MEDIUM): lost, 'read_*' is more specific (5 characters besides '*', against 0)");
  }

  @Test
  void decidesAFileAccessWithTheDecidingRulesGrants() {
    explain("--tool", "read_file", "--op", "read", "--path", "docs/guide.md");
    explain("--tool", "read_file", "--op", "read", "--path", "data/x.csv");
    explain("--tool", "read_file", "--op", "read", "--path", "../etc/passwd");

    assertThat(cli.out())
        .contains(
            "read docs/guide.md: allow\n  reason         granted by read glob \"docs/**\" of rule "
                + policy
                + ":11")
        .contains("read data/x.csv: deny\n  reason         no read glob grants data/x.csv")
        .contains(
            "read ../etc/passwd: deny\n  reason         it is outside the sandbox root "
                + dir.resolve("box"));
  }

  @Test
  void explainsACommandAndAConnection() throws Exception {
    Files.writeString(
        policy,
        "version: 1\nsandbox: box\ntools:\n  build:\n    decision: allow\n    exec: [ls]\n"
            + "    net: {connect: [\"127.0.0.1:8080\"]}\n    env: {variables: [LANG]}\n");

    assertThat(
            cli.run(
                "explain",
                policy.toString(),
                "--tool",
                "build",
                "--risk",
                "LOW",
                "--op",
                "exec",
                "--command",
                "ls -la"))
        .isEqualTo(Cli.OK);
    assertThat(cli.out())
        .contains(
            "exec ls -la: allow\n  reason         granted by exec grant \"ls with any arguments\"");
    assertThat(
            cli.run(
                "explain",
                policy.toString(),
                "--tool",
                "build",
                "--risk",
                "LOW",
                "--op",
                "connect",
                "--host",
                "127.0.0.1:9090"))
        .isEqualTo(Cli.OK);
    assertThat(cli.out())
        .contains(
            "connect 127.0.0.1:9090: deny\n  reason         no connect grant of the tool's rule"
                + " names (127.0.0.1) port 9090");
    assertThat(
            cli.run(
                "explain",
                policy.toString(),
                "--tool",
                "build",
                "--risk",
                "LOW",
                "--op",
                "env",
                "--var",
                "OPENAI_API_KEY"))
        .isEqualTo(Cli.OK);
    assertThat(cli.out())
        .contains(
            "env OPENAI_API_KEY: deny\n  reason         no env grant of the tool's rule names the"
                + " variable OPENAI_API_KEY");
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertThat(explain()).isEqualTo(Cli.USAGE);
    assertThat(explain("--tool")).isEqualTo(Cli.USAGE);
    assertThat(explain("--risk", "LOW")).isEqualTo(Cli.USAGE);
    assertThat(explain("--tool", "t", "--op", "read")).isEqualTo(Cli.USAGE);
    assertThat(explain("--tool", "t", "--risk", "huge")).isEqualTo(Cli.USAGE);
    assertThat(explain("--tool", "t", "--op", "list", "--path", "x")).isEqualTo(Cli.USAGE);
    assertThat(explain("--tool", "t", "--colour", "red")).isEqualTo(Cli.USAGE);
    assertThat(explain("--tool", "t", "--path", "x")).isEqualTo(Cli.USAGE);
    assertThat(explain("--tool", "t", "--op", "exec", "--path", "x")).isEqualTo(Cli.USAGE);
    assertThat(cli.err())
        .contains(
            "give exactly one policy file",
            "option --tool needs a value",
            "--tool NAME is required",
            "--op read takes --path",
            "--risk must be LOW, MEDIUM, HIGH or CRITICAL, not 'huge'",
            "--op must be one of read, write, delete, exec, connect, listen, env, property, not 'list'",
            "unknown option --colour",
            "--path needs --op",
            "--op exec takes --command");
  }

  @Test
  void anInvalidPolicyFailsWithItsProblems() throws Exception {
    Files.writeString(policy, "version: 1\n");

    assertThat(explain("--tool", "t")).isEqualTo(Cli.FAILED);
    assertThat(cli.err()).contains(policy + ":1:1: missing 'sandbox'");
  }

  private int explain(String... options) {
    List<String> args = new ArrayList<>(List.of("explain", policy.toString()));
    if (options.length == 0) {
      args.remove(1);
    }
    args.addAll(Arrays.asList(options));
    return cli.run(args);
  }
}
