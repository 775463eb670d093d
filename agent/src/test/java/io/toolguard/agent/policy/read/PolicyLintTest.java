package io.toolguard.agent.policy.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.policy.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyLintTest {

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource({
    "*,         read_file,  true",
    "*,         *,          true",
    "*,         read_*,     true",
    "read_*,    read_file,  true",
    "read_*,    read_*,     true",
    "read_*,    read*,      false",
    "read_*,    *_file,     false",
    "*_file,    read_file,  true",
    "*_file,    read_files, false",
    "*a*,       x*a*y,      true",
    "*a*,       x*y,        false",
    "a*b*,      ab*,        true",
    "read_file, read_*,     false",
    "read_file, read_file,  true",
  })
  void decidesWhetherOnePatternNamesEveryToolAnotherNames(
      String wider, String narrower, boolean expected) {
    assertThat(PolicyLint.covers(wider, narrower)).isEqualTo(expected);
  }

  @Test
  void warnsAboutGrantsOutsideTheSandbox() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n"
                + "    files: {read: [\"/srv/reference/**\"], write: [\"out/**\"]}\n");

    assertThat(PolicyLint.warnings(policy))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            "app.yaml:4:3: rule 't' may read outside the sandbox root (\"/srv/reference/**\"); keep such grants to read-only"
                + " reference folders");
  }

  @Test
  void warnsAboutToolNamesThatMixScripts() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            "version: 1\nsandbox: box\ntools:\n  read_fil\u0435:\n    decision: deny\n"
                + "  \u0447\u0438\u0442\u0430\u0442\u044c_2:\n    decision: deny\n");

    assertThat(PolicyLint.warnings(policy))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            "app.yaml:4:3: tool name 'read_fil\u0435' mixes letters of scripts [LATIN, CYRILLIC]; a"
                + " letter that only looks Latin (a Cyrillic '\u0435' in 'read_fil\u0435') makes the"
                + " rule match no tool whose name reads the same. Type the name again if it should"
                + " be one script");
  }

  @Test
  void warnsAboutASandboxThatIsTheRootOrHoldsTheHomeFolder() throws Exception {
    String home =
        PolicyParser.realIfExists(java.nio.file.Path.of(System.getProperty("user.home")))
            .toString();
    for (String sandbox : java.util.List.of("/", home)) {
      assertThat(
              PolicyLint.warnings(PolicyParserTest.parse("version: 1\nsandbox: " + sandbox + "\n")))
          .extracting(PolicyProblem::toString)
          .as(sandbox)
          .anyMatch(
              warning ->
                  warning.startsWith("app.yaml:1:1: the sandbox root " + sandbox + " is ")
                      && warning.contains("reach keys, shell profiles and credentials"));
    }
    assertThat(
            PolicyLint.warnings(
                PolicyParserTest.parse("version: 1\nsandbox: " + home + "/agent-workspace\n")))
        .isEmpty();
  }

  @Test
  void warnsAboutConnectingToAnyHost() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            "version: 1\nsandbox: box\ntools:\n  fetch:\n    decision: allow\n"
                + "    net: {connect: [\"api.example.com:443\", \"*:443\"], ask: {connect: [\"*:*\"]}}\n");

    assertThat(PolicyLint.warnings(policy))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            "app.yaml:4:3: rule 'fetch' may connect to any host (\"*:443\"), so nothing stops what it sends; name the hosts"
                + " it needs");
  }

  @Test
  void warnsAboutGrantingAShellOrAnInterpreter() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            "version: 1\nsandbox: box\ntools:\n  run:\n    decision: allow\n"
                + "    exec: [git, bash, /opt/none/python3.11, {command: sh, args: [\"-c ls\"]}]\n");

    assertThat(PolicyLint.warnings(policy))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            "app.yaml:4:3: rule 'run' may run 'bash', which runs whatever command or code it is given; grant the commands"
                + " themselves",
            "app.yaml:4:3: rule 'run' may run '/opt/none/python3.11', which runs whatever command or code it is given; grant"
                + " the commands themselves",
            "app.yaml:4:3: rule 'run' may run 'sh', which runs whatever command or code it is given; grant the commands"
                + " themselves");
  }

  @Test
  void warnsWhenCallsNeedApprovalButNoChannelCanAsk() throws Exception {
    String rules =
        "tools:\n  deploy:\n    decision: ask\n  wipe:\n    decision: allow\n    risk: CRITICAL\n";

    assertThat(PolicyLint.warnings(PolicyParserTest.parse("version: 1\nsandbox: box\n" + rules)))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            "app.yaml:4:3: rule 'deploy' needs a person's approval, but no approval channel is on, so its"
                + " calls are denied; add 'approval: {terminal: true}' or 'approval: {web: {port: 0}}'");
    assertThat(
            PolicyLint.warnings(
                PolicyParserTest.parse(
                    "version: 1\nsandbox: box\napproval: {terminal: true}\n" + rules)))
        .isEmpty();
  }

  @Test
  void warnsAboutRulesThatCanNeverDecideAndBroadGrants() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            """
        version: 1
        sandbox: box
        unlisted_tools: allow
        tools:
          read_secret:
            decision: allow
          "*_secret":
            decision: deny
          "*":
            decision: allow
          cleaner:
            decision: allow
            files:
              delete: ["**"]
              write: ["out/**"]
          read_file:
            decision: allow
            files:
              read: ["**"]
        """);

    assertThat(PolicyLint.warnings(policy))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            "app.yaml:3:1: unlisted_tools: allow lets every tool this policy does not name run; prefer naming each tool",
            "app.yaml:5:3: rule 'read_secret' can never allow anything: the deny rule '*_secret' at line 7 names every tool"
                + " it names",
            "app.yaml:9:3: rule '*' allows every tool; prefer naming each tool",
            "app.yaml:11:3: rule 'cleaner' may delete anything in the sandbox (\"**\"); prefer a folder such as \"out/**\"");
  }

  @Test
  void theSamplePolicyHasNoWarnings() throws Exception {
    Policy policy = PolicyParser.parse(java.nio.file.Path.of("../policies/sample-app.yaml"));

    assertThat(PolicyLint.warnings(policy)).isEmpty();
  }

  @Test
  void warnsAboutToolguardsOwnFilesInsideTheSandbox(@TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("box/conf"));
    java.nio.file.Files.writeString(dir.resolve("box/conf/base.yaml"), "version: 1\n");
    java.nio.file.Path policyFile =
        java.nio.file.Files.writeString(
            dir.resolve("box/app.yaml"),
            "version: 1\ninclude: conf/base.yaml\nsandbox: .\n"
                + "approval: {web: {token_file: conf/t.token}}\n");

    Policy policy = PolicyParser.parse(policyFile);

    assertThat(PolicyLint.warnings(policy))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            policyFile
                + ":1:1: the policy file "
                + policyFile
                + " is inside the sandbox root "
                + dir.resolve("box")
                + "; no tool may touch it whatever its grants (a tool that walks the sandbox is"
                + " denied there), but keep toolguard's own files outside the sandbox",
            policyFile
                + ":1:1: the included policy file "
                + dir.resolve("box/conf/base.yaml")
                + " is inside the sandbox root "
                + dir.resolve("box")
                + "; no tool may touch it whatever its grants (a tool that walks the sandbox is"
                + " denied there), but keep toolguard's own files outside the sandbox",
            policyFile
                + ":1:1: approval.web.token_file "
                + dir.resolve("box/conf/t.token")
                + " is inside the sandbox root "
                + dir.resolve("box")
                + "; no tool may touch it whatever its grants (a tool that walks the sandbox is"
                + " denied there), but keep toolguard's own files outside the sandbox");
  }

  @Test
  void saysNothingAboutOwnFilesOutsideTheSandbox(@TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path policyFile =
        java.nio.file.Files.writeString(
            dir.resolve("app.yaml"),
            "version: 1\nsandbox: box\napproval: {web: {token_file: t.token}}\n");
    java.nio.file.Files.createDirectories(dir.resolve("box"));
    java.nio.file.Files.createSymbolicLink(dir.resolve("box/link.yaml"), policyFile);

    assertThat(PolicyLint.warnings(PolicyParser.parse(policyFile))).isEmpty();
    assertThat(PolicyLint.inside(dir.resolve("box/link.yaml"), dir.resolve("box"))).isTrue();
    assertThat(PolicyLint.inside(policyFile, dir.resolve("box"))).isFalse();
  }
}
