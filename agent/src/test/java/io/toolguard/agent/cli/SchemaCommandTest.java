package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The published schema is the committed file, and it accepts and rejects what the parser does. */
class SchemaCommandTest {

  static final Path COMMITTED = Path.of("../policies/toolguard-policy.schema.json");
  static final JsonSchema SCHEMA =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(SchemaCommand.text());
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void printsTheCommittedSchema() throws Exception {
    CommandLine cli = new CommandLine();

    assertThat(cli.run("schema")).isEqualTo(Cli.OK);
    assertThat(cli.out()).isEqualTo(Files.readString(COMMITTED));
  }

  static Stream<Arguments> policies() {
    String head = "version: 1\nsandbox: box\n";
    String rule = head + "tools:\n  t:\n";
    return Stream.of(
        Arguments.of("minimal", head),
        Arguments.of(
            "everything",
            head
                + "mode: audit\nunlisted_tools: allow\ntools:\n  \"*_x\":\n    decision: deny\n"
                + "  read_file:\n    decision: allow\n    risk: low\n    files:\n      read: [\"data/**\", \"*.md\"]\n"
                + "      write: [\"out/**/?.txt\"]\n      delete: []\n"),
        Arguments.of("empty tools", head + "tools:\n"),
        Arguments.of("missing version", "sandbox: box\n"),
        Arguments.of("version 2", "version: 2\nsandbox: box\n"),
        Arguments.of("version as text", "version: \"1\"\nsandbox: box\n"),
        Arguments.of("include and locks", head + "include: base.yaml\nlocked: [mode, sandbox]\n"),
        Arguments.of("unknown lock", head + "locked: [tools]\n"),
        Arguments.of("locks as text", head + "locked: mode\n"),
        Arguments.of("include as a list", head + "include: [a.yaml]\n"),
        Arguments.of("empty sandbox", "version: 1\nsandbox: \"\"\n"),
        Arguments.of("unknown key", head + "sandbx: box\n"),
        Arguments.of("default risk", head + "default_risk: medium\nlocked: [default_risk]\n"),
        Arguments.of("bad default risk", head + "default_risk: severe\n"),
        Arguments.of(
            "tool annotations",
            head + "tool_annotations: [com.example.AgentTool, com.example.Tools$Risky]\n"),
        Arguments.of("tool annotation without package", head + "tool_annotations: [AgentTool]\n"),
        Arguments.of(
            "tool annotations as text", head + "tool_annotations: com.example.AgentTool\n"),
        Arguments.of("bad mode", head + "mode: strict\n"),
        Arguments.of("bad unlisted", head + "unlisted_tools: maybe\n"),
        Arguments.of("unlisted ask", head + "unlisted_tools: ask\n"),
        Arguments.of(
            "net grants",
            rule
                + "    decision: allow\n    net:\n      connect: [\"api.example.com:443\","
                + " \"10.0.0.1:8000-8099\", \"[::1]:*\"]\n      listen: [\"127.0.0.1:0\"]\n      ask: {connect: [\"*:*\"]}\n"),
        Arguments.of(
            "net pattern without port",
            rule + "    decision: allow\n    net: {connect: [\"example.com\"]}\n"),
        Arguments.of("unknown net key", rule + "    decision: allow\n    net: {send: [\"a:1\"]}\n"),
        Arguments.of("deny with net", rule + "    decision: deny\n    net: {connect: [\"a:1\"]}\n"),
        Arguments.of(
            "env grants",
            rule
                + "    decision: allow\n    env: {variables: [HOME, \"APP_*\"], properties: [user.home]}\n"),
        Arguments.of("env as a list", rule + "    decision: allow\n    env: [HOME]\n"),
        Arguments.of("deny with env", rule + "    decision: deny\n    env: {variables: [HOME]}\n"),
        Arguments.of(
            "exec grants",
            rule
                + "    decision: allow\n    exec:\n      - git\n      - /usr/bin/make\n"
                + "      - command: tar\n        args: [\"-czf out/*\"]\n        ask: true\n"),
        Arguments.of("exec as a word", rule + "    decision: allow\n    exec: git\n"),
        Arguments.of(
            "exec with spaces", rule + "    decision: allow\n    exec: [\"git status\"]\n"),
        Arguments.of("exec relative", rule + "    decision: allow\n    exec: [./tool]\n"),
        Arguments.of(
            "exec entry without command", rule + "    decision: allow\n    exec: [{args: [x]}]\n"),
        Arguments.of(
            "exec ask as text",
            rule + "    decision: allow\n    exec: [{command: git, ask: maybe}]\n"),
        Arguments.of("deny with exec", rule + "    decision: deny\n    exec: [git]\n"),
        Arguments.of(
            "file asks",
            rule
                + "    decision: allow\n    files:\n      write: [\"out/**\"]\n      ask:\n"
                + "        delete: [\"**\"]\n        write: [\"**\"]\n"),
        Arguments.of(
            "unknown file ask key",
            rule + "    decision: allow\n    files:\n      ask:\n        list: [\"a\"]\n"),
        Arguments.of(
            "file ask as a list", rule + "    decision: allow\n    files:\n      ask: [\"a\"]\n"),
        Arguments.of("ask rule", rule + "    decision: ask\n    files:\n      read: [\"a\"]\n"),
        Arguments.of(
            "every approval setting",
            head
                + "approval:\n  timeout: 90s\n  terminal: true\n  web:\n"
                + "    bind: 127.0.0.1\n    port: 8719\n    token_file: t.token\n  webhook:\n"
                + "    url: https://hooks.example.com/x\n    secret_env: S\n"),
        Arguments.of("web with defaults", head + "approval:\n  web:\n"),
        Arguments.of("locked approval", head + "locked: [approval]\napproval: {terminal: true}\n"),
        Arguments.of("timeout without unit", head + "approval: {timeout: 90}\n"),
        Arguments.of("timeout of zero", head + "approval: {timeout: 0s}\n"),
        Arguments.of("terminal as text", head + "approval: {terminal: maybe}\n"),
        Arguments.of("port out of range", head + "approval: {web: {port: 70000}}\n"),
        Arguments.of("unknown approval key", head + "approval: {termnal: true}\n"),
        Arguments.of(
            "webhook without web",
            head + "approval: {webhook: {url: 'https://h.example', secret_env: S}}\n"),
        Arguments.of(
            "webhook with two secrets",
            head
                + "approval: {web: {}, webhook: {url: 'https://h.example',"
                + " secret_env: S, secret: x}}\n"),
        Arguments.of(
            "webhook without a secret",
            head + "approval: {web: {}, webhook: {url: 'https://h.example'}}\n"),
        Arguments.of(
            "webhook over ftp",
            head + "approval: {web: {}, webhook: {url: 'ftp://h.example', secret: x}}\n"),
        Arguments.of(
            "conditions",
            rule
                + "    decision: allow\n    when:\n      to: {glob: \"*@example.com\", ignore_case: true}\n"
                + "      id: {regex: \"[A-Z]+\", min_length: 1, max_length: 9}\n"
                + "      c: {one_of: [EUR, 1, true]}\n      order.amount: {min: 0, below: 100.5}\n"
                + "      p: {inside: [\"data/**\"]}\n      u: {url_to: [\"docs.example.com:443\"]}\n"),
        Arguments.of(
            "several rules for one tool",
            rule
                + "    - decision: allow\n      when: {n: {max: 100}}\n    - decision: ask\n"
                + "      when: {n: {above: 100}}\n"),
        Arguments.of("empty list of rules", rule + "    []\n"),
        Arguments.of(
            "budget",
            rule
                + "    decision: allow\n    budget: {calls: 20, per: 1m, then: ask, message: slow"
                + " down}\n"),
        Arguments.of("budget per run", rule + "    decision: allow\n    budget: {calls: 1}\n"),
        Arguments.of("budget without calls", rule + "    decision: allow\n    budget: {per: 1m}\n"),
        Arguments.of("budget of zero", rule + "    decision: allow\n    budget: {calls: 0}\n"),
        Arguments.of(
            "budget then allow",
            rule + "    decision: allow\n    budget: {calls: 1, then: allow}\n"),
        Arguments.of(
            "budget per week", rule + "    decision: allow\n    budget: {calls: 1, per: 1w}\n"),
        Arguments.of("deny with budget", rule + "    decision: deny\n    budget: {calls: 1}\n"),
        Arguments.of(
            "condition min and above",
            rule + "    decision: allow\n    when: {n: {min: 1, above: 2}}\n"),
        Arguments.of(
            "unknown condition test", rule + "    decision: allow\n    when: {n: {globb: x}}\n"),
        Arguments.of("empty when", rule + "    decision: allow\n    when: {}\n"),
        Arguments.of("condition without tests", rule + "    decision: allow\n    when: {n: {}}\n"),
        Arguments.of(
            "condition on a bad path",
            rule + "    decision: allow\n    when: {\"a..b\": {max: 1}}\n"),
        Arguments.of(
            "length as text", rule + "    decision: allow\n    when: {n: {max_length: many}}\n"),
        Arguments.of("tools as a list", head + "tools:\n  - t\n"),
        Arguments.of("name with a space", head + "tools:\n  \"a b\":\n    decision: allow\n"),
        Arguments.of("no decision", rule + "    risk: LOW\n"),
        Arguments.of("bad decision", rule + "    decision: maybe\n"),
        Arguments.of("bad risk", rule + "    decision: allow\n    risk: EXTREME\n"),
        Arguments.of("mixed-case risk", rule + "    decision: allow\n    risk: Medium\n"),
        Arguments.of("unknown rule key", rule + "    decision: allow\n    rsk: LOW\n"),
        Arguments.of(
            "deny with files", rule + "    decision: deny\n    files:\n      read: [\"a\"]\n"),
        Arguments.of("deny with risk", rule + "    decision: deny\n    risk: LOW\n"),
        Arguments.of(
            "unknown file key", rule + "    decision: allow\n    files:\n      list: [\"a\"]\n"),
        Arguments.of(
            "globs as a string", rule + "    decision: allow\n    files:\n      read: \"a\"\n"),
        Arguments.of(
            "glob as a number", rule + "    decision: allow\n    files:\n      read: [42]\n"),
        Arguments.of("root glob", glob("/")),
        Arguments.of("absolute glob", glob("/srv/reference/**")),
        Arguments.of("absolute glob with a double slash", glob("//srv")),
        Arguments.of("home glob", glob("~/x")),
        Arguments.of("drive glob", glob("C:/x")),
        Arguments.of("dot-dot glob", glob("../x")),
        Arguments.of("inner dot-dot glob", glob("a/../b")),
        Arguments.of("dot glob", glob("./a")),
        Arguments.of("trailing dot-dot glob", glob("a/..")),
        Arguments.of("double slash glob", glob("a//b")),
        Arguments.of("trailing slash glob", glob("a/")),
        Arguments.of("*** glob", glob("a/***")),
        Arguments.of("x** glob", glob("a/x**")),
        Arguments.of("**x glob", glob("a/**x")),
        Arguments.of("class glob", glob("a/[bc]")),
        Arguments.of("brace glob", glob("a/{b,c}")),
        Arguments.of("backslash glob", glob("a\\\\\\\\b")),
        Arguments.of("empty glob", glob("")),
        Arguments.of("fine globs", glob("a/**/b*.txt")),
        Arguments.of("dotfile glob", glob(".config/**")),
        Arguments.of("dots in names", glob("a/..b/c..")),
        Arguments.of(
            "secret kinds", head + "secrets:\n  - {name: order token, regex: \"ot_[a-z]{8}\"}\n"),
        Arguments.of("secret kind without regex", head + "secrets:\n  - {name: tok}\n"),
        Arguments.of(
            "secret kind with an odd name", head + "secrets:\n  - {name: \"]\", regex: a}\n"),
        Arguments.of("secrets not a list", head + "secrets: {name: tok, regex: a}\n"),
        Arguments.of("budget for all tools", head + "budget: {calls: 50, per: 1m, then: ask}\n"),
        Arguments.of("budget for all tools without calls", head + "budget: {per: 1m}\n"),
        Arguments.of(
            "withholding secret results",
            rule + "    decision: allow\n    withhold_secret_results: true\n"),
        Arguments.of(
            "withholding as text",
            rule + "    decision: allow\n    withhold_secret_results: yes\n"),
        Arguments.of(
            "withholding on a deny rule",
            rule + "    decision: deny\n    withhold_secret_results: true\n"));
  }

  private static String glob(String glob) {
    return "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n    files:\n      read: [\""
        + glob
        + "\"]\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void acceptsExactlyWhatTheParserAccepts(String caseName, String yaml) throws Exception {
    // A sandbox may come from an included policy, so only the policy the agent loads needs one: the
    // schema
    // cannot see across files, and "missing sandbox" is left to the parser.
    Files.writeString(dir.resolve("base.yaml"), "version: 1\n");
    Path file = Files.writeString(dir.resolve("policy.yaml"), yaml);
    boolean parserAccepts;
    try {
      PolicyParser.parse(file);
      parserAccepts = true;
    } catch (PolicyException rejected) {
      parserAccepts = false;
    }

    JsonNode document = YAML.readTree(yaml);
    assertThat(
            SCHEMA
                .validate(
                    document == null || document.isMissingNode()
                        ? YAML.createObjectNode()
                        : document)
                .isEmpty())
        .as("schema accepts")
        .isEqualTo(parserAccepts);
  }

  @Test
  void theShippedPoliciesPointAtTheSchemaAndConformToIt() throws Exception {
    try (Stream<Path> files = Files.list(COMMITTED.getParent())) {
      List<Path> policies =
          files
              .filter(file -> file.toString().endsWith(".yaml"))
              .filter(file -> !file.toString().endsWith(".tests.yaml"))
              .toList();
      assertThat(policies).isNotEmpty();
      for (Path policy : policies) {
        assertThat(Files.readAllLines(policy).get(0))
            .isEqualTo("# yaml-language-server: $schema=toolguard-policy.schema.json");
        assertThat(SCHEMA.validate(YAML.readTree(policy.toFile()))).as(policy.toString()).isEmpty();
      }
    }
  }
}
