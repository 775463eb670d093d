package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where the sandbox root ends, for a tool granted everything below it. */
class SandboxBoundaryTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        anything:
          decision: allow
          files:
            read: ["**"]
            write: ["**"]
            delete: ["**"]
      """;

  static final String ROOT_POLICY =
      """
      version: 1
      sandbox: /
      tools:
        etc_reader:
          decision: allow
          files:
            read: ["etc/**"]
      """;

  private final Policy policy;
  private final ToolDecision anything;

  SandboxBoundaryTest() throws Exception {
    policy = PolicyText.parse(POLICY);
    anything = policy.decide("anything", DeclaredRisk.of(Risk.LOW));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/srv/box-inside/x.txt",
        "/srv/boxx",
        "/srv/box.bak/x.txt",
        "/srv/bo",
        "/srv",
        "/etc/passwd"
      })
  void aFolderWhoseNameOnlyStartsWithTheSandboxRootIsOutsideIt(String target) {
    for (FileOperation operation : FileOperation.values()) {
      AccessDecision decision = policy.decideFile(anything, operation, Path.of(target));

      assertThat(decision.outcome()).as("%s %s", operation, target).isEqualTo(Outcome.DENY);
      assertThat(decision.reason())
          .isEqualTo(
              "it is outside the sandbox root /srv/box and no absolute "
                  + operation.label()
                  + " glob grants it");
    }
  }

  @Test
  void aSiblingReachedByDotDotFromTheSandboxIsOutsideIt() {
    AccessDecision decision =
        policy.decideFile(anything, FileOperation.DELETE, "../box-inside/x.txt");

    assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
  }

  @Test
  void aSiblingIsNotProbedAsIfItLayInside() {
    assertThat(policy.decideProbe(anything, Path.of("/srv/box-inside/x.txt")).outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(policy.decideProbe(anything, Path.of("/srv/box-inside")).outcome())
        .isEqualTo(Outcome.DENY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/srv/box",
        "/srv/box/x.txt",
        "/srv/box/inside/x.txt",
        "/srv/box/box-inside/x.txt"
      })
  void theRootAndEverythingBelowItAreInside(String target) {
    assertThat(policy.decideFile(anything, FileOperation.READ, Path.of(target)).outcome())
        .isEqualTo(Outcome.ALLOW);
  }

  @Test
  void aPathBelowTheRootIsMatchedWithoutTheRootsSlash() throws Exception {
    Policy narrow =
        PolicyText.parse(
            """
        version: 1
        sandbox: /srv/box
        tools:
          reader:
            decision: allow
            files:
              read: ["inside/*.txt"]
        """);
    ToolDecision reader = narrow.decide("reader", DeclaredRisk.of(Risk.LOW));

    assertThat(
            narrow
                .decideFile(reader, FileOperation.READ, Path.of("/srv/box/inside/x.txt"))
                .outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(
            narrow
                .decideFile(reader, FileOperation.READ, Path.of("/srv/box-inside/x.txt"))
                .outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(narrow.decideFile(reader, FileOperation.READ, Path.of("/srv/box")).reason())
        .isEqualTo("no read glob grants the sandbox root");
  }

  @Test
  void withTheFileSystemRootAsSandboxEveryPathIsBelowIt() throws Exception {
    Policy wide = PolicyText.parse(ROOT_POLICY);
    ToolDecision reader = wide.decide("etc_reader", DeclaredRisk.of(Risk.LOW));

    assertThat(wide.decideFile(reader, FileOperation.READ, Path.of("/etc/passwd")).outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(wide.decideFile(reader, FileOperation.READ, Path.of("/etcetera/x")).outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(wide.decideFile(reader, FileOperation.READ, Path.of("/srv/x")).reason())
        .isEqualTo("no read glob grants srv/x");
    assertThat(wide.decideFile(reader, FileOperation.READ, Path.of("/")).reason())
        .isEqualTo("no read glob grants the sandbox root");
  }
}
