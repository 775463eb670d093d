package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A regular file with more than one hard link may be a secret elsewhere under another name: only an
 * absolute glob grants it, never a sandbox-relative one.
 */
class HardLinkDecisionTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        edit:
          decision: allow
          files:
            read: ["**", "/srv/box/shared/**"]
            write: ["**"]
            delete: ["**"]
            ask:
              write: ["notes/**"]
      """;

  private final Policy policy;
  private final ToolDecision edit;

  HardLinkDecisionTest() throws Exception {
    policy = PolicyText.parse(POLICY);
    edit = policy.decide("edit", DeclaredRisk.of(Risk.LOW));
  }

  private AccessDecision decide(FileOperation operation, String path, int links) {
    return policy.decideFile(edit, operation, Path.of(path), links);
  }

  @Test
  void aFileWithOneLinkIsGrantedBySandboxGlobs() {
    for (FileOperation operation : FileOperation.values()) {
      assertThat(decide(operation, "/srv/box/data/a.txt", 1).outcome()).isEqualTo(Outcome.ALLOW);
    }
  }

  @Test
  void aFileWithMoreLinksIsNotAndTheReasonSaysWhatToDo() {
    for (FileOperation operation : FileOperation.values()) {
      AccessDecision decision = decide(operation, "/srv/box/data/a.txt", 2);

      assertThat(decision.outcome()).as(operation.label()).isEqualTo(Outcome.DENY);
      assertThat(decision.reason())
          .isEqualTo(
              "it is a file with 2 hard links, so it may be the same file as one outside the"
                  + " sandbox, and sandbox-relative globs do not grant such files; if it is meant"
                  + " to be shared, grant it with an absolute "
                  + operation.label()
                  + " glob (\"/srv/box/data/a.txt\")");
    }
  }

  @Test
  void anAbsoluteGlobGrantsIt() {
    assertThat(decide(FileOperation.READ, "/srv/box/shared/a.txt", 3).outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(decide(FileOperation.WRITE, "/srv/box/shared/a.txt", 3).outcome())
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void aSandboxAskGlobDoesNotReachItEither() {
    assertThat(decide(FileOperation.WRITE, "/srv/box/notes/a.txt", 1).outcome())
        .isEqualTo(Outcome.ASK);
    assertThat(decide(FileOperation.WRITE, "/srv/box/notes/a.txt", 2).outcome())
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void outsideTheSandboxTheUsualReasonStays() {
    assertThat(decide(FileOperation.READ, "/etc/shadow", 2).reason())
        .isEqualTo("it is outside the sandbox root /srv/box and no absolute read glob grants it");
  }
}
