package io.toolguard.agent.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which accesses touch toolguard's own files: by path, by the folders above them, by inode. */
class ProtectedFilesTest {

  @TempDir Path dir;
  private Path box;
  private Path policy;
  private Path base;
  private Path audit;
  private Path token;
  private ProtectedFiles own;

  @BeforeEach
  void layOut() throws Exception {
    box = Files.createDirectories(dir.resolve("box"));
    policy = Files.writeString(Files.createDirectories(box.resolve("conf")).resolve("p.yaml"), "p");
    base = Files.writeString(box.resolve("base.yaml"), "b");
    audit = Files.writeString(Files.createDirectories(box.resolve("logs")).resolve("a.jsonl"), "");
    token = Files.writeString(box.resolve("t.token"), "t");
    own =
        ProtectedFiles.of(
            List.of(policy, base),
            audit,
            Optional.of(token),
            true,
            Optional.empty(),
            Optional.empty());
  }

  private Optional<ProtectedFiles.Kind> touched(Path path, boolean movesOrDeletes) {
    return own.touched(path, movesOrDeletes, ProtectedFiles.Inode.of(path))
        .map(ProtectedFiles.Entry::kind);
  }

  @Test
  void eachOwnFileIsTouchedByAnyAccess() {
    assertThat(touched(policy, false)).contains(ProtectedFiles.Kind.POLICY);
    assertThat(touched(base, true)).contains(ProtectedFiles.Kind.POLICY);
    assertThat(touched(audit, false)).contains(ProtectedFiles.Kind.AUDIT_LOG);
    assertThat(touched(token, false)).contains(ProtectedFiles.Kind.APPROVAL_TOKEN);
    assertThat(touched(Path.of("/dev/tty"), false)).contains(ProtectedFiles.Kind.TERMINAL);
  }

  @Test
  void theAgentJarAndEveryFileKeepingTheWovenJdkBesideItAreTouched() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path jar = Files.writeString(lib.resolve("toolguard-agent.jar"), "jar");
    ProtectedFiles agent =
        ProtectedFiles.of(
            List.of(policy),
            audit,
            Optional.empty(),
            false,
            Optional.of(jar),
            Optional.of(lib.resolve("toolguard-agent.jar.woven-jdk-")));

    for (String name :
        List.of(
            "toolguard-agent.jar.woven-jdk-1408dd0a",
            "toolguard-agent.jar.woven-jdk-70414422",
            "toolguard-agent.jar.woven-jdk-70414422.123.new")) {
      assertThat(agent.touched(lib.resolve(name), false, ProtectedFiles.Inode.NONE))
          .as(name)
          .map(ProtectedFiles.Entry::kind)
          .contains(ProtectedFiles.Kind.WOVEN_JDK);
    }
    assertThat(agent.touched(jar, false, ProtectedFiles.Inode.NONE))
        .map(ProtectedFiles.Entry::kind)
        .contains(ProtectedFiles.Kind.AGENT_JAR);
    assertThat(agent.touched(lib, true, ProtectedFiles.Inode.NONE))
        .as("its folder moved")
        .isPresent();
    assertThat(agent.touched(lib.resolve("other.jar"), true, ProtectedFiles.Inode.NONE)).isEmpty();
    assertThat(
            agent.touched(lib.resolve("toolguard-agent.jar.bak"), true, ProtectedFiles.Inode.NONE))
        .isEmpty();
    assertThat(
            agent.touched(
                box.resolve("toolguard-agent.jar.woven-jdk-1408dd0a"),
                false,
                ProtectedFiles.Inode.NONE))
        .as("another folder")
        .isEmpty();
  }

  @Test
  void otherFilesBesideThemAreNot() throws Exception {
    Path other = Files.writeString(box.resolve("conf/notes.txt"), "n");

    assertThat(touched(other, true)).isEmpty();
    assertThat(touched(box.resolve("conf/p.yaml.bak"), true)).isEmpty();
    assertThat(touched(box.resolve("log"), true)).isEmpty();
  }

  @Test
  void movingOrDeletingAFolderAboveOneTouchesIt() {
    assertThat(touched(box.resolve("logs"), true)).contains(ProtectedFiles.Kind.AUDIT_LOG);
    assertThat(touched(box.resolve("conf"), true)).contains(ProtectedFiles.Kind.POLICY);
    assertThat(touched(box, true)).isPresent();
    assertThat(touched(box.resolve("logs"), false)).as("listing the folder").isEmpty();
  }

  @Test
  void aFileNamedThroughALinkIsProtectedAtBothEnds() throws Exception {
    Path real =
        Files.writeString(Files.createDirectories(dir.resolve("real")).resolve("r.yaml"), "r");
    Path link = Files.createSymbolicLink(box.resolve("linked"), dir.resolve("real"));
    ProtectedFiles linked =
        ProtectedFiles.of(
            List.of(link.resolve("r.yaml")),
            audit,
            Optional.empty(),
            false,
            Optional.empty(),
            Optional.empty());

    assertThat(linked.touched(real, false, ProtectedFiles.Inode.NONE)).isPresent();
    assertThat(linked.touched(link.resolve("r.yaml"), false, ProtectedFiles.Inode.NONE))
        .isPresent();
    assertThat(linked.touched(link, true, ProtectedFiles.Inode.NONE))
        .as("removing the link the policy is named through")
        .isPresent();
    assertThat(linked.touched(Path.of("/dev/tty"), false, ProtectedFiles.Inode.NONE))
        .as("the terminal only while the terminal channel asks")
        .isEmpty();
  }

  @Test
  void aHardLinkToOneIsTheSameFile() throws Exception {
    Path alias = Files.createLink(dir.resolve("alias.jsonl"), audit);
    Path copy = Files.copy(audit, dir.resolve("copy.jsonl"));

    assertThat(ProtectedFiles.Inode.of(alias).sharedRegularFile()).isTrue();
    assertThat(touched(alias, false)).contains(ProtectedFiles.Kind.AUDIT_LOG);
    assertThat(touched(copy, false)).isEmpty();
  }

  @Test
  void aSharedFileThatIsNoneOfThemIsNotTouched() throws Exception {
    Path shared = Files.writeString(dir.resolve("shared.txt"), "s");
    Path second = Files.createLink(box.resolve("second.txt"), shared);

    assertThat(ProtectedFiles.Inode.of(second).links()).isEqualTo(2);
    assertThat(touched(second, false)).isEmpty();
    assertThat(ProtectedFiles.Inode.of(box).sharedRegularFile()).as("a folder").isFalse();
    assertThat(ProtectedFiles.Inode.of(box.resolve("missing")))
        .isEqualTo(ProtectedFiles.Inode.NONE);
  }

  @Test
  void aReloadReplacesThePolicysFiles() throws Exception {
    Path next = Files.writeString(box.resolve("next.yaml"), "n");

    own.policyChanged(List.of(policy, next));

    assertThat(touched(next, false)).contains(ProtectedFiles.Kind.POLICY);
    assertThat(touched(base, false)).as("no longer included").isEmpty();
    assertThat(touched(audit, false)).contains(ProtectedFiles.Kind.AUDIT_LOG);
  }

  @Test
  void saysWhichLieInsideAFolder() {
    assertThat(own.inside(box.resolve("logs")))
        .extracting(ProtectedFiles.Entry::kind)
        .containsExactly(ProtectedFiles.Kind.AUDIT_LOG);
    assertThat(own.inside(box)).hasSize(4);
    assertThat(own.inside(dir.resolve("elsewhere"))).isEmpty();
  }

  @Test
  void theReasonNamesWhatItIs() {
    assertThat(own.touched(audit, false, ProtectedFiles.Inode.NONE).orElseThrow().reason())
        .isEqualTo("it is toolguard's audit log; no tool may touch it, whatever its grants");
  }

  @Test
  void readsTheControllingTerminalsDeviceFromProcStat() throws Exception {
    Path stat =
        Files.writeString(dir.resolve("stat"), "4242 (a (b) c) S 1 4242 4242 34817 4242 4194560\n");
    Path none = Files.writeString(dir.resolve("none"), "4242 (java) S 1 4242 4242 0 -1 4194560\n");

    assertThat(ProtectedFiles.controllingTerminal(stat)).isEqualTo(34817);
    assertThat(ProtectedFiles.controllingTerminal(none)).isZero();
    assertThat(ProtectedFiles.controllingTerminal(dir.resolve("missing"))).isZero();
  }
}
