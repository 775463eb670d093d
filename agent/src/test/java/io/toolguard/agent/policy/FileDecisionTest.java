package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Each file operation is granted by its own globs only: writing is not deleting, nor the other way
 * round.
 */
class FileDecisionTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        edit:
          decision: allow
          files:
            read: ["**"]
            write: ["out/**"]
            delete: ["trash/**"]
            ask:
              write: ["notes/**"]
      """;

  private final Policy policy;
  private final ToolDecision edit;

  FileDecisionTest() throws Exception {
    policy = PolicyText.parse(POLICY);
    edit = policy.decide("edit", DeclaredRisk.of(Risk.LOW));
  }

  private AccessDecision decide(FileOperation operation, String path) {
    return policy.decideFile(edit, operation, Path.of(path));
  }

  @Test
  void aDeleteIsDeniedWhereOnlyAWriteGlobGrantsThePath() {
    assertThat(decide(FileOperation.WRITE, "/srv/box/out/a.txt").outcome())
        .isEqualTo(Outcome.ALLOW);

    AccessDecision delete = decide(FileOperation.DELETE, "/srv/box/out/a.txt");

    assertThat(delete.outcome()).isEqualTo(Outcome.DENY);
    assertThat(delete.reason()).isEqualTo("no delete glob grants out/a.txt");
  }

  @Test
  void aDeleteIsAllowedWhereADeleteGlobGrantsThePathAndThatGrantsNoWrite() {
    AccessDecision delete = decide(FileOperation.DELETE, "/srv/box/trash/a.txt");

    assertThat(delete.outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(delete.reason()).isEqualTo("granted by delete glob \"trash/**\" of rule app.yaml:4");
    assertThat(decide(FileOperation.WRITE, "/srv/box/trash/a.txt").reason())
        .isEqualTo("no write glob grants trash/a.txt");
  }

  @Test
  void aReadGrantGrantsNeitherWritingNorDeleting() {
    assertThat(decide(FileOperation.READ, "/srv/box/data/a.txt").outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(decide(FileOperation.WRITE, "/srv/box/data/a.txt").outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(decide(FileOperation.DELETE, "/srv/box/data/a.txt").outcome())
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void whereWritingIsAskedDeletingIsNeitherAskedNorAllowed() {
    assertThat(decide(FileOperation.WRITE, "/srv/box/notes/a.md").outcome()).isEqualTo(Outcome.ASK);
    assertThat(decide(FileOperation.DELETE, "/srv/box/notes/a.md").outcome())
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void aSiblingOfTheSandboxWhoseNameStartsWithTheSandboxsIsOutsideIt() {
    AccessDecision read = decide(FileOperation.READ, "/srv/box-out/a.txt");

    assertThat(read.outcome()).as("/srv/box-out/a.txt is not out/a.txt").isEqualTo(Outcome.DENY);
    assertThat(read.reason())
        .isEqualTo("it is outside the sandbox root /srv/box and no absolute read glob grants it");
    assertThat(decide(FileOperation.WRITE, "/srv/box-out/a.txt").outcome()).isEqualTo(Outcome.DENY);
  }
}
