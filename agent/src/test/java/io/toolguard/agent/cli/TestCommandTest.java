package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestCommandTest {

  @TempDir Path dir;

  private final CommandLine cli = new CommandLine();

  @Test
  void printsAPassOrFailLinePerCaseAndASummary() throws Exception {
    Path cases =
        write(
            "cases.yaml",
            """
        cases:
          - name: reading docs is allowed
            tool: read_file
            op: read
            path: docs/a.md
            expect: allow
            rule: 11
          - name: reading secrets is denied
            tool: read_secret
            expect: deny
          - name: wrong expectation
            tool: read_file
            op: read
            path: data/a.csv
            expect: allow
          - name: wrong rule
            tool: read_file
            risk: LOW
            expect: allow
            rule: 7
        """);

    assertThat(test(cases)).isEqualTo(Cli.FAILED);

    Path policy = dir.resolve("app.yaml");
    assertThat(cli.out())
        .isEqualTo(
            String.join(
                "\n",
                "PASS  reading docs is allowed",
                "PASS  reading secrets is denied",
                "FAIL  wrong expectation ("
                    + cases
                    + ":11:5): expected allow, got deny by "
                    + policy
                    + ":11: no read glob grants data/a.csv",
                "FAIL  wrong rule ("
                    + cases
                    + ":16:5): expected the rule at line 7 to decide, but "
                    + policy
                    + ":11 did",
                "2 passed, 2 failed",
                ""));
  }

  @Test
  void commandsConnectionsAndListeningSocketsAreDecidedAsTheAgentWould() throws Exception {
    Path policy =
        write(
            "build.yaml",
            """
        version: 1
        sandbox: box
        tools:
          build:
            decision: allow
            exec: [ls, {command: make, args: ["all"], ask: true}]
            net: {connect: ["127.0.0.1:8080", "unix:/run/app.sock"], listen: ["localhost:9000"]}
        """);
    Path cases =
        write(
            "cases.yaml",
            """
        cases:
          - {name: a granted command, tool: build, op: exec, command: "ls -la", expect: allow}
          - {name: a command that asks, tool: build, op: exec, command: make all, expect: ask}
          - {name: any other command, tool: build, op: exec, command: "rm -rf /", expect: deny}
          - {name: a granted address, tool: build, op: connect, host: "127.0.0.1:8080", expect: allow}
          - {name: another port, tool: build, op: connect, host: "127.0.0.1:8081", expect: deny}
          - {name: a granted listening socket, tool: build, op: listen, host: "localhost:9000", expect: allow}
          - {name: a granted unix socket, tool: build, op: connect, host: "unix:/run/app.sock", expect: allow}
          - {name: another unix socket, tool: build, op: connect, host: "unix:/run/db.sock", expect: deny}
          - {name: a pattern is not a destination, tool: build, op: connect, host: "*:80", expect: deny}
        """);

    assertThat(cli.run("test", policy.toString(), cases.toString())).isEqualTo(Cli.FAILED);

    assertThat(cli.out())
        .isEqualTo(
            String.join(
                "\n",
                "PASS  a granted command",
                "PASS  a command that asks",
                "PASS  any other command",
                "PASS  a granted address",
                "PASS  another port",
                "PASS  a granted listening socket",
                "PASS  a granted unix socket",
                "PASS  another unix socket",
                "FAIL  a pattern is not a destination ("
                    + cases
                    + ":10:5): '*:80' is a pattern; give one host and one port,"
                    + " such as api.example.com:443",
                "8 passed, 1 failed",
                ""));
  }

  @Test
  void allPassingExitsWithZero() throws Exception {
    Path cases =
        write(
            "cases.yaml",
            "cases:\n  - name: ok\n    tool: anything\n    risk: LOW\n    expect: allow\n    rule: 4\n");

    assertThat(test(cases)).isEqualTo(Cli.OK);
    assertThat(cli.out()).endsWith("1 passed, 0 failed\n");
  }

  static Stream<Arguments> invalidCaseFiles() {
    return Stream.of(
        Arguments.of("empty", "", "cases.yaml:1:1: the test-case file is empty"),
        Arguments.of("no cases", "cases: []\n", "cases.yaml:1:8: 'cases' must be a non-empty list"),
        Arguments.of(
            "unknown key",
            "cases:\n  - name: a\n    tool: t\n    expect: deny\n    expcet: allow\n",
            "cases.yaml:5:5: unknown key 'expcet' in a test case (did you mean 'expect'?)"),
        Arguments.of(
            "missing expect",
            "cases:\n  - name: a\n    tool: t\n",
            "cases.yaml:2:5: a test case needs 'expect:"),
        Arguments.of(
            "missing tool",
            "cases:\n  - name: a\n    expect: deny\n",
            "cases.yaml:2:5: a test case needs 'tool'"),
        Arguments.of(
            "bad expect",
            "cases:\n  - name: a\n    tool: t\n    expect: maybe\n",
            "cases.yaml:4:13: 'expect' must be allow, ask or deny, not 'maybe'"),
        Arguments.of(
            "op without path",
            "cases:\n  - name: a\n    tool: t\n    op: read\n    expect: deny\n",
            "cases.yaml:2:5: 'op: read' needs 'path'"),
        Arguments.of(
            "a target for another operation",
            "cases:\n  - name: a\n    tool: t\n    op: read\n    path: x\n"
                + "    command: ls\n    expect: deny\n",
            "cases.yaml:6:5: 'command' goes with 'op: exec'"),
        Arguments.of(
            "unknown op",
            "cases:\n  - name: a\n    tool: t\n    op: send\n    expect: deny\n",
            "cases.yaml:4:9: 'op' must be read, write, delete, exec, connect, listen, env, property, not 'send'"),
        Arguments.of(
            "bad rule",
            "cases:\n  - name: a\n    tool: t\n    expect: deny\n    rule: first\n",
            "cases.yaml:5:11: 'rule' must be the line number of the deciding rule in the policy, not 'first'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCaseFiles")
  void invalidCaseFilesFailWithFileLineColumn(String caseName, String yaml, String expected)
      throws Exception {
    Path cases = write("cases.yaml", yaml);

    assertThat(test(cases)).isEqualTo(Cli.FAILED);
    assertThat(cli.err())
        .contains(
            cases.getParent().resolve(expected.substring(0, expected.indexOf(':')))
                + expected.substring(expected.indexOf(':')));
  }

  @Test
  void needsExactlyAPolicyAndACaseFile() {
    assertThat(cli.run("test", "only-one.yaml")).isEqualTo(Cli.USAGE);
  }

  private int test(Path cases) throws Exception {
    Path policy = write("app.yaml", ExplainCommandTest.POLICY);
    return cli.run("test", policy.toString(), cases.toString());
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }
}
