package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileAskTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        tidy:
          decision: allow
          files:
            write: ["out/**"]
            delete: ["out/tmp/**"]
            ask:
              delete: ["**"]
              write: ["notes/**"]
      """;

  private final Policy policy;
  private final ToolDecision tidy;

  FileAskTest() throws Exception {
    policy = PolicyText.parse(POLICY);
    tidy = policy.decide("tidy", DeclaredRisk.of(Risk.LOW));
  }

  private AccessDecision decide(FileOperation operation, String path) {
    return policy.decideFile(tidy, operation, Path.of(path));
  }

  @Test
  void anAskGlobBeatsAGrantForTheSameOperation() {
    AccessDecision delete = decide(FileOperation.DELETE, "/srv/box/out/tmp/x");

    assertThat(delete.outcome()).isEqualTo(Outcome.ASK);
    assertThat(delete.reason())
        .isEqualTo("a person must approve it first, by ask delete glob \"**\" of rule app.yaml:4");
  }

  @Test
  void anAskGlobGrantsWhereNothingElseDoesButOnlyAfterApproval() {
    assertThat(decide(FileOperation.WRITE, "/srv/box/notes/a.md").outcome()).isEqualTo(Outcome.ASK);
    assertThat(decide(FileOperation.WRITE, "/srv/box/out/a.md").outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(decide(FileOperation.WRITE, "/srv/box/data/a.md").outcome()).isEqualTo(Outcome.DENY);
  }

  @Test
  void askGlobsStayInsideTheSandbox() {
    assertThat(decide(FileOperation.DELETE, "/etc/passwd").outcome()).isEqualTo(Outcome.DENY);
    assertThat(decide(FileOperation.READ, "/srv/box/notes/a.md").outcome()).isEqualTo(Outcome.DENY);
  }

  @Test
  void lookingWhereAnAskGlobReachesNeedsNoApproval() {
    assertThat(policy.decideProbe(tidy, Path.of("/srv/box/notes/a.md")).outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(policy.decideProbe(tidy, Path.of("/srv/box/notes")).outcome())
        .isEqualTo(Outcome.ALLOW);
  }
}
