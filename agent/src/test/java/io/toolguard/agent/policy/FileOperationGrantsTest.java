package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Each file operation is granted by its own globs only. */
class FileOperationGrantsTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        reader:
          decision: allow
          files:
            read: ["r/**"]
        writer:
          decision: allow
          files:
            write: ["w/**"]
        deleter:
          decision: allow
          files:
            delete: ["d/**"]
        asker:
          decision: allow
          files:
            ask:
              read: ["r/**"]
              write: ["w/**"]
              delete: ["d/**"]
        referrer:
          decision: allow
          files:
            read: ["/opt/ref/**"]
      """;

  private final Policy policy;

  FileOperationGrantsTest() throws Exception {
    policy = PolicyText.parse(POLICY);
  }

  private Outcome decide(String tool, FileOperation operation, String path) {
    return policy
        .decideFile(policy.decide(tool, DeclaredRisk.of(Risk.LOW)), operation, Path.of(path))
        .outcome();
  }

  @Test
  void aWriteGrantNeitherDeletesNorReads() {
    assertThat(decide("writer", FileOperation.WRITE, "/srv/box/w/a.txt")).isEqualTo(Outcome.ALLOW);
    assertThat(decide("writer", FileOperation.DELETE, "/srv/box/w/a.txt")).isEqualTo(Outcome.DENY);
    assertThat(decide("writer", FileOperation.READ, "/srv/box/w/a.txt")).isEqualTo(Outcome.DENY);
  }

  @Test
  void aDeleteGrantNeitherWritesNorReads() {
    assertThat(decide("deleter", FileOperation.DELETE, "/srv/box/d/a.txt"))
        .isEqualTo(Outcome.ALLOW);
    assertThat(decide("deleter", FileOperation.WRITE, "/srv/box/d/a.txt")).isEqualTo(Outcome.DENY);
    assertThat(decide("deleter", FileOperation.READ, "/srv/box/d/a.txt")).isEqualTo(Outcome.DENY);
  }

  @Test
  void aReadGrantNeitherWritesNorDeletes() {
    assertThat(decide("reader", FileOperation.READ, "/srv/box/r/a.txt")).isEqualTo(Outcome.ALLOW);
    assertThat(decide("reader", FileOperation.WRITE, "/srv/box/r/a.txt")).isEqualTo(Outcome.DENY);
    assertThat(decide("reader", FileOperation.DELETE, "/srv/box/r/a.txt")).isEqualTo(Outcome.DENY);
  }

  @Test
  void anAskGlobAsksOnlyForItsOwnOperation() {
    assertThat(decide("asker", FileOperation.READ, "/srv/box/r/a.txt")).isEqualTo(Outcome.ASK);
    assertThat(decide("asker", FileOperation.WRITE, "/srv/box/r/a.txt")).isEqualTo(Outcome.DENY);
    assertThat(decide("asker", FileOperation.WRITE, "/srv/box/w/a.txt")).isEqualTo(Outcome.ASK);
    assertThat(decide("asker", FileOperation.DELETE, "/srv/box/w/a.txt")).isEqualTo(Outcome.DENY);
    assertThat(decide("asker", FileOperation.DELETE, "/srv/box/d/a.txt")).isEqualTo(Outcome.ASK);
    assertThat(decide("asker", FileOperation.READ, "/srv/box/d/a.txt")).isEqualTo(Outcome.DENY);
  }

  private Outcome probe(String tool, String path) {
    return policy
        .decideProbe(policy.decide(tool, DeclaredRisk.of(Risk.LOW)), Path.of(path))
        .outcome();
  }

  @Test
  void aToolMayLookOnlyAtWhatItsGlobsCoverAndTheFoldersOnTheWay() {
    assertThat(probe("writer", "/srv/box/w/a.txt")).isEqualTo(Outcome.ALLOW);
    assertThat(probe("writer", "/srv/box/w")).isEqualTo(Outcome.ALLOW);
    assertThat(probe("writer", "/srv/box")).isEqualTo(Outcome.ALLOW);
    assertThat(probe("writer", "/srv/box/secret.txt")).isEqualTo(Outcome.DENY);
    assertThat(probe("writer", "/srv/box/r/a.txt")).isEqualTo(Outcome.DENY);
    assertThat(probe("writer", "/srv/box/wx")).isEqualTo(Outcome.DENY);
  }

  @Test
  void anAbsoluteGlobLetsAToolLookOnlyAtWhatItCoversAndTheFoldersOnTheWay() {
    assertThat(probe("referrer", "/opt/ref/a.txt")).isEqualTo(Outcome.ALLOW);
    assertThat(probe("referrer", "/opt")).isEqualTo(Outcome.ALLOW);
    assertThat(probe("referrer", "/opt/other")).isEqualTo(Outcome.DENY);
    assertThat(probe("referrer", "/etc/passwd")).isEqualTo(Outcome.DENY);
    assertThat(probe("referrer", "/srv/box/a.txt")).isEqualTo(Outcome.DENY);
  }
}
