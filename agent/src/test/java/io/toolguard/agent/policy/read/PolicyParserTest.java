package io.toolguard.agent.policy.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.policy.FileGrants;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.PathGlob;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyText;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyParserTest {

  static final Path FOLDER = PolicyText.FOLDER;

  @TempDir Path dir;

  @Test
  void readsEverySettingOfAValidPolicy() throws Exception {
    Policy policy =
        parse(
            """
        version: 1
        mode: audit
        sandbox: ../box
        unlisted_tools: allow
        tools:
          read_file:
            decision: allow
            risk: low
            files:
              read: ["data/**", "*.md"]
              write: ["out/**"]
              delete: []
          "*_admin":
            decision: deny
        """);

    assertThat(policy.source()).isEqualTo("app.yaml");
    assertThat(policy.mode()).isEqualTo(Mode.AUDIT);
    assertThat(policy.sandbox()).isEqualTo(Path.of("/etc/box"));
    assertThat(policy.unlisted()).isEqualTo(Verdict.ALLOW);
    assertThat(policy.unlistedRule()).isEqualTo("app.yaml:4");
    assertThat(policy.unlistedAt()).contains(new Location("app.yaml", 4, 1));
    assertThat(policy.tools()).hasSize(2);
    ToolRule read = policy.tools().get(0);
    assertThat(read.pattern()).isEqualTo("read_file");
    assertThat(read.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(read.risk()).contains(Risk.LOW);
    assertThat(read.location()).isEqualTo(new Location("app.yaml", 6, 3));
    assertThat(read.files().read())
        .extracting(PathGlob::toString)
        .containsExactly("data/**", "*.md");
    assertThat(read.files().write()).extracting(PathGlob::toString).containsExactly("out/**");
    assertThat(read.files().delete()).isEmpty();
    assertThat(policy.tools().get(1).verdict()).isEqualTo(Verdict.DENY);
  }

  @Test
  void readsTheApprovalSection() throws Exception {
    Policy policy =
        parse(
            """
        version: 1
        sandbox: box
        approval:
          timeout: 90s
          terminal: true
          web:
            bind: 0.0.0.0
            port: 8719
            token_file: run/approval.token
          webhook:
            url: https://hooks.example.com/toolguard
            secret_env: HOOK_SECRET
        tools:
          deploy:
            decision: ask
        """);

    ApprovalSettings approval = policy.approval();
    assertThat(approval.timeout()).hasSeconds(90);
    assertThat(approval.terminal()).isTrue();
    assertThat(approval.web())
        .contains(
            new ApprovalSettings.Web(
                "0.0.0.0", 8719, Optional.of(Path.of("/etc/toolguard/run/approval.token"))));
    ApprovalSettings.Webhook webhook = approval.webhook().orElseThrow();
    assertThat(webhook.url()).hasToString("https://hooks.example.com/toolguard");
    assertThat(webhook.resolveSecret(java.util.Map.of("HOOK_SECRET", "s3cret"))).contains("s3cret");
    assertThat(webhook.resolveSecret(java.util.Map.of())).isEmpty();
    assertThat(policy.tools().get(0).verdict()).isEqualTo(Verdict.ASK);
  }

  @Test
  void withoutAnApprovalSectionNoChannelAsksAndRequestsWaitFiveMinutes() throws Exception {
    ApprovalSettings approval = parse("version: 1\nsandbox: box\n").approval();

    assertThat(approval.anyChannel()).isFalse();
    assertThat(approval.timeout()).hasMinutes(5);
    assertThat(parse("version: 1\nsandbox: box\napproval:\n  web: {}\n").approval().web())
        .contains(new ApprovalSettings.Web("127.0.0.1", 0, Optional.empty()));
  }

  @Test
  void defaultsAreEnforceAndDenyUnlistedTools() throws Exception {
    Policy policy = parse("version: 1\nsandbox: /srv/box\n");

    assertThat(policy.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(policy.unlisted()).isEqualTo(Verdict.DENY);
    assertThat(policy.sandbox()).isEqualTo(Path.of("/srv/box"));
    assertThat(policy.tools()).isEmpty();
  }

  static Stream<Arguments> invalidPolicies() {
    return Stream.of(
        Arguments.of("empty file", "", "app.yaml:1:1: the policy is empty"),
        Arguments.of("only a comment", "# nothing\n", "app.yaml:1:1: the policy is empty"),
        Arguments.of(
            "malformed YAML", "version: 1\nsandbox: [box\n", "app.yaml:3:1: not valid YAML"),
        Arguments.of(
            "bad indentation", "version: 1\n sandbox: box\n", "app.yaml:2:9: not valid YAML"),
        Arguments.of(
            "a list instead of a mapping",
            "- version: 1\n",
            "app.yaml:1:1: the policy must be a mapping"),
        Arguments.of("two documents", "version: 1\n---\nversion: 1\n", "not valid YAML"),
        Arguments.of("missing version", "sandbox: box\n", "app.yaml:1:1: missing 'version'"),
        Arguments.of(
            "version as a string",
            "version: \"1\"\nsandbox: box\n",
            "app.yaml:1:10: 'version' must be the number 1, not the text \"1\"; write version: 1"
                + " without quotes"),
        Arguments.of(
            "a key indented wrongly",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n     risk: LOW\n",
            "not valid YAML: mapping values are not allowed here (this usually means a key is"
                + " indented differently from the keys beside it"),
        Arguments.of(
            "sandbox in the home folder, written with ~",
            "version: 1\nsandbox: ~/ws\n",
            "app.yaml:2:10: 'sandbox' starts with '~', which toolguard does not expand"),
        Arguments.of(
            "a no-break space in a tool name",
            "version: 1\nsandbox: box\ntools:\n  read\u00a0file:\n    decision: deny\n",
            "app.yaml:4:7: tool name 'read\\u{00A0}file' holds U+00A0 NO-BREAK SPACE, which does"
                + " not show as itself (character 5 of the name)"),
        Arguments.of(
            "a zero-width space in a tool name",
            "version: 1\nsandbox: box\ntools:\n  send_\u200bemail:\n    decision: deny\n",
            "app.yaml:4:8: tool name 'send_\\u{200B}email' holds U+200B ZERO WIDTH SPACE"),
        Arguments.of(
            "a bidi override in a quoted tool name",
            "version: 1\nsandbox: box\ntools:\n  \"\u202eelif_daer\":\n    decision: deny\n",
            "app.yaml:4:3: tool name '\\u{202E}elif_daer' holds U+202E RIGHT-TO-LEFT OVERRIDE"),
        Arguments.of(
            "future version",
            "version: 2\nsandbox: box\n",
            "app.yaml:1:10: unsupported version '2'"),
        Arguments.of("missing sandbox", "version: 1\n", "app.yaml:1:1: missing 'sandbox'"),
        Arguments.of(
            "empty sandbox",
            "version: 1\nsandbox: \"\"\n",
            "app.yaml:2:10: 'sandbox' cannot be empty; write \".\" for this policy's own folder"),
        Arguments.of(
            "sandbox as a list",
            "version: 1\nsandbox: [a]\n",
            "app.yaml:2:10: sandbox must be a folder path, not a list"),
        Arguments.of(
            "unknown top-level key",
            "version: 1\nsandbx: box\n",
            "app.yaml:2:1: unknown key 'sandbx' in the policy (did you mean 'sandbox'?); expected one of: version, include,"
                + " mode, sandbox, unlisted_tools, approval, default_risk, locked, tool_annotations, tools"),
        Arguments.of(
            "duplicate top-level key",
            "version: 1\nsandbox: a\nsandbox: b\n",
            "app.yaml:3:1: duplicate key 'sandbox' in the policy (first at line 2)"),
        Arguments.of(
            "unknown mode",
            "version: 1\nsandbox: box\nmode: strict\n",
            "app.yaml:3:7: 'mode' must be enforce or audit, not 'strict'"),
        Arguments.of(
            "unknown unlisted_tools",
            "version: 1\nsandbox: box\nunlisted_tools: maybe\n",
            "app.yaml:3:17: 'unlisted_tools' must be allow, ask or deny, not 'maybe'"),
        Arguments.of(
            "tools as a list",
            "version: 1\nsandbox: box\ntools:\n  - read_file\n",
            "app.yaml:4:3: 'tools' must map tool names to rules"),
        Arguments.of(
            "rule without decision",
            "version: 1\nsandbox: box\ntools:\n  t:\n    risk: LOW\n",
            "app.yaml:5:5: tool rule 't' needs 'decision: allow', 'decision: ask' or 'decision: deny'"),
        Arguments.of(
            "rule as a scalar",
            "version: 1\nsandbox: box\ntools:\n  t: allow\n",
            "app.yaml:4:6: tool rule 't' must be a mapping of decision, risk, files, exec, net, env, when, budget, exec_sandbox, withhold_secret_results, not 'allow'"),
        Arguments.of(
            "decision as a boolean",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: yes\n",
            "app.yaml:5:15: 'decision' must be allow, ask or deny, not 'yes'"),
        Arguments.of(
            "unknown risk",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    risk: EXTREME\n",
            "app.yaml:6:11: 'risk' must be LOW, MEDIUM, HIGH or CRITICAL, not 'EXTREME'"),
        Arguments.of(
            "unknown rule key",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    rsk: LOW\n",
            "app.yaml:6:5: unknown key 'rsk' in tool rule 't' (did you mean 'risk'?)"),
        Arguments.of(
            "unknown file key",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    files:\n"
                + "      list: [\"a\"]\n",
            "app.yaml:7:7: unknown key 'list' in 'files' of tool rule 't'"),
        Arguments.of(
            "globs as a string",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    files:\n"
                + "      read: data/**\n",
            "app.yaml:7:13: 'read' must be a list of globs"),
        Arguments.of(
            "duplicate tool rules",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n"
                + "  t:\n    decision: deny\n",
            "app.yaml:6:3: duplicate rule for tool 't' (first at line 4)"),
        Arguments.of(
            "tool name with a space",
            "version: 1\nsandbox: box\ntools:\n  \"read file\":\n    decision: allow\n",
            "app.yaml:4:3: tool name 'read file' is not valid"),
        Arguments.of(
            "a deny rule that grants files",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: deny\n"
                + "    files:\n      read: [\"**\"]\n",
            "app.yaml:6:5: tool rule 't' denies the tool, so 'files' has no effect"),
        Arguments.of(
            "root glob", glob("/"), "app.yaml:7:14: file glob '/' has an empty path segment"),
        Arguments.of(
            "glob leaving the sandbox",
            glob("../secrets/**"),
            "app.yaml:7:14: file glob '../secrets/**' contains '..'"),
        Arguments.of("glob with .. inside", glob("data/../../x"), "contains '..'"),
        Arguments.of("glob with ***", glob("data/***"), "'**' must be a whole path segment"),
        Arguments.of("glob with **x", glob("data/**x"), "'**' must be a whole path segment"),
        Arguments.of("glob with //", glob("data//x"), "has an empty path segment"),
        Arguments.of("glob with a class", glob("data/[ab].txt"), "unsupported character '['"),
        Arguments.of("glob with braces", glob("data/{a,b}"), "unsupported character '{'"),
        Arguments.of("empty glob", glob(""), "a file glob cannot be empty"),
        Arguments.of(
            "glob that is a number",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    files:\n"
                + "      read: [42]\n",
            "app.yaml:7:14: a glob in 'read' must be a quoted glob"),
        Arguments.of("alias bomb", aliasBomb(), "not valid YAML"),
        Arguments.of(
            "exec as a word", exec("git"), "app.yaml:6:11: 'exec' must be a list of commands"),
        Arguments.of(
            "command with its arguments",
            exec("[\"git status\"]"),
            "app.yaml:6:12: command 'git status' must be one executable, without spaces; put its arguments under 'args'"),
        Arguments.of(
            "relative command",
            exec("[./tool]"),
            "app.yaml:6:12: command './tool' is a relative path"),
        Arguments.of(
            "exec entry without command",
            exec("[{args: [x]}]"),
            "app.yaml:6:12: an 'exec' entry needs 'command'"),
        Arguments.of(
            "unknown exec key",
            exec("[{command: git, arg: [x]}]"),
            "unknown key 'arg' in an 'exec' entry (did you mean 'args'?)"),
        Arguments.of(
            "exec args as text",
            exec("[{command: git, args: status}]"),
            "'args' must be a list of patterns"),
        Arguments.of(
            "exec ask as text",
            exec("[{command: git, ask: sometimes}]"),
            "'ask' must be true or false, not 'sometimes'"),
        Arguments.of(
            "a deny rule that grants commands",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: deny\n" + "    exec: [git]\n",
            "app.yaml:6:5: tool rule 't' denies the tool, so 'exec' has no effect"),
        Arguments.of(
            "net as a list",
            netRule("[\"a:1\"]"),
            "app.yaml:6:10: 'net' of tool rule 't' must be a mapping"),
        Arguments.of(
            "unknown net key",
            netRule("{conect: [\"a:1\"]}"),
            "unknown key 'conect' in 'net' of tool rule 't' (did you mean 'connect'?)"),
        Arguments.of(
            "net pattern without port",
            netRule("{connect: [\"example.com\"]}"),
            "app.yaml:6:21: 'example.com' is not HOST:PORT"),
        Arguments.of(
            "net pattern with a bad port",
            netRule("{listen: [\"127.0.0.1:70000\"]}"),
            "has no valid port"),
        Arguments.of(
            "unix socket pattern that leaves the sandbox",
            netRule("{connect: [\"unix:../app.sock\"]}"),
            "app.yaml:6:21: 'unix:../app.sock' is not unix:GLOB (file glob '../app.sock'"
                + " contains '..'"),
        Arguments.of(
            "unix socket pattern without a path",
            netRule("{listen: [\"unix:\"]}"),
            "'unix:' is not unix:GLOB (a file glob cannot be empty"),
        Arguments.of(
            "unknown net ask key",
            netRule("{ask: {send: [\"a:1\"]}}"),
            "unknown key 'send' in 'net.ask'"),
        Arguments.of(
            "a deny rule that grants the network",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: deny\n"
                + "    net: {connect: [\"a:1\"]}\n",
            "app.yaml:6:5: tool rule 't' denies the tool, so 'net' has no effect"),
        Arguments.of(
            "env as a list",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    env: [HOME]\n",
            "app.yaml:6:10: 'env' of tool rule 't' must be a mapping of variables, properties"),
        Arguments.of(
            "env name with a space",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n"
                + "    env: {variables: [\"MY VAR\"]}\n",
            "'MY VAR' is not a name"),
        Arguments.of(
            "a deny rule that grants the environment",
            "version: 1\nsandbox: box\ntools:\n  t:\n"
                + "    decision: deny\n    env: {variables: [HOME]}\n",
            "app.yaml:6:5: tool rule 't' denies the tool, so 'env' has no effect"),
        Arguments.of(
            "unknown file ask key",
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    files:\n"
                + "      ask:\n        list: [\"a\"]\n",
            "app.yaml:8:9: unknown key 'list' in 'files.ask' of tool rule 't'"),
        Arguments.of(
            "approval as a list",
            approval("[web]"),
            "app.yaml:3:11: 'approval' must be a mapping of timeout,"
                + " terminal, web, webhook, not a list"),
        Arguments.of(
            "unknown approval key",
            approval("{termnal: true}"),
            "app.yaml:3:12: unknown key 'termnal' in 'approval' (did you mean 'terminal'?)"),
        Arguments.of(
            "timeout in words",
            approval("{timeout: 5 minutes}"),
            "app.yaml:3:21: 'timeout' must be a number with s, m or h, such as 90s or 5m, not '5 minutes'"),
        Arguments.of(
            "timeout of zero",
            approval("{timeout: 0s}"),
            "'timeout' must be a number with s, m or h"),
        Arguments.of(
            "timeout over a day",
            approval("{timeout: 25h}"),
            "app.yaml:3:21: 'timeout' is at most 24h"),
        Arguments.of(
            "terminal as a word",
            approval("{terminal: maybe}"),
            "app.yaml:3:22: 'terminal' must be true or false, not 'maybe'"),
        Arguments.of(
            "port out of range",
            approval("{web: {port: 70000}}"),
            "app.yaml:3:24: 'port' must be a number from 0 (any free port) to 65535, not '70000'"),
        Arguments.of(
            "unknown web key",
            approval("{web: {host: x}}"),
            "unknown key 'host' in 'approval.web'"),
        Arguments.of(
            "webhook without web",
            approval("{webhook: {url: 'https://h.example/x', secret_env: S}}"),
            "app.yaml:3:12: a webhook's decisions come back through the approval web API"),
        Arguments.of(
            "webhook without url",
            approval("{web: {}, webhook: {secret_env: S}}"),
            "'approval.webhook' needs 'url'"),
        Arguments.of(
            "webhook over ftp",
            approval("{web: {}, webhook: {url: 'ftp://h.example/x', secret_env: S}}"),
            "'url' must be an http or https address"),
        Arguments.of(
            "webhook with two secrets",
            approval(
                "{web: {}, webhook: {url: 'https://h.example/x', secret: a," + " secret_env: S}}"),
            "'approval.webhook' needs exactly one of 'secret_env'"),
        Arguments.of(
            "webhook without a secret",
            approval("{web: {}, webhook: {url: 'https://h.example/x'}}"),
            "'approval.webhook' needs exactly one of 'secret_env'"));
  }

  private static String netRule(String net) {
    return "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    net: " + net + "\n";
  }

  private static String exec(String list) {
    return "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    exec: " + list + "\n";
  }

  private static String approval(String section) {
    return "version: 1\nsandbox: box\napproval: " + section + "\n";
  }

  private static String glob(String glob) {
    return "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    files:\n      read: [\""
        + glob
        + "\"]\n";
  }

  private static String aliasBomb() {
    StringBuilder yaml =
        new StringBuilder("version: 1\nsandbox: box\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    return yaml.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPolicies")
  void rejectsWithFileLineColumnAndWhatWasExpected(String caseName, String yaml, String expected) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void reportsEveryProblemNotJustTheFirst() {
    assertThatThrownBy(
            () ->
                parse(
                    "version: 1\nsandbox: box\nmode: on\ntools:\n  a:\n    decision: maybe\n  b:\n"
                        + "    decision: allow\n    risk: huge\n"))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.problems())
                    .extracting(problem -> problem.location().line())
                    .containsExactly(3, 6, 9));
  }

  @Test
  void aDirectoryIsNotAPolicy() {
    assertThatThrownBy(() -> PolicyParser.parse(dir))
        .hasMessageContaining(dir + ":1:1: this is a directory; give the path of a policy file");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> PolicyParser.parse(dir.resolve("nope.yaml")))
        .hasMessageContaining("nope.yaml:1:1: the policy file does not exist");
  }

  @Test
  void aFileThatCannotBeReadIsReported() {
    // /proc/self/mem exists and has a size of 0, but reading it from the start fails with an I/O
    // error.
    Path unreadable = Path.of("/proc/self/mem");
    assertThatThrownBy(() -> PolicyParser.parse(unreadable))
        .hasMessageContaining("/proc/self/mem:1:1: cannot read the policy file");
  }

  @Test
  void aVeryLargeFileIsRejectedBeforeParsing() throws IOException {
    Path large = dir.resolve("large.yaml");
    Files.writeString(
        large, "version: 1\nsandbox: box\n# " + "x".repeat(StrictYaml.MAX_BYTES) + "\n");

    assertThatThrownBy(() -> PolicyParser.parse(large))
        .hasMessageContaining(
            "large.yaml:1:1: the policy file is " + Files.size(large) + " bytes; the limit is");
  }

  @Test
  void textThatIsNotUtf8IsRejected() throws IOException {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'v', 'e', 'r', ':', ' ', (byte) 0xE9, '\n'});

    assertThatThrownBy(() -> PolicyParser.parse(latin1)).hasMessageContaining("not valid UTF-8");
  }

  @Test
  void aRelativeSandboxIsResolvedAgainstThePolicysFolder() throws Exception {
    Path policyFile = dir.resolve("policies/app.yaml");
    Files.createDirectories(policyFile.getParent());
    Files.writeString(policyFile, "version: 1\nsandbox: ../work/./box\n");

    assertThat(PolicyParser.parse(policyFile).sandbox()).isEqualTo(dir.resolve("work/box"));
  }

  @Test
  void theRiskOfARuleIsOptional() throws Exception {
    Policy policy = parse("version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n");

    assertThat(policy.tools().get(0).risk()).isEqualTo(Optional.empty());
    assertThat(policy.tools().get(0).files()).isEqualTo(FileGrants.NONE);
  }

  static Policy parse(String yaml) throws PolicyException {
    return PolicyText.parse(yaml);
  }
}
