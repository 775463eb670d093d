package io.toolguard.agent.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@link RealPath} says a path leads, on a folder laid out as a tool would find it:
 *
 * <pre>
 * inside/
 *   file.txt
 *   file-link      -> file.txt                 (relative link)
 *   abs-link       -> ROOT/outside/secret.txt  (absolute link)
 *   dir-link       -> ../outside/deep          (a folder outside)
 *   dangling       -> nowhere/new.txt          (nothing there yet)
 * outside/
 *   secret.txt
 *   deep/
 * </pre>
 */
class RealPathTest {

  @TempDir Path temp;

  private Path root;
  private Path inside;
  private Path outside;

  @BeforeEach
  void layOutTheFolders() throws IOException {
    root = temp.toRealPath();
    inside = Files.createDirectory(root.resolve("inside"));
    outside = Files.createDirectory(root.resolve("outside"));
    Files.createDirectory(outside.resolve("deep"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.writeString(inside.resolve("file.txt"), "file");
    Files.createSymbolicLink(inside.resolve("file-link"), Path.of("file.txt"));
    Files.createSymbolicLink(inside.resolve("abs-link"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(inside.resolve("dir-link"), Path.of("../outside/deep"));
    Files.createSymbolicLink(inside.resolve("dangling"), Path.of("nowhere/new.txt"));
  }

  private static Path real(Path path, boolean followFinal) throws IOException {
    return RealPath.of(path, followFinal);
  }

  @Test
  void anAbsolutePathWithoutLinksLeadsToItself() throws IOException {
    assertThat(real(inside.resolve("file.txt"), true)).isEqualTo(inside.resolve("file.txt"));
    assertThat(real(inside.resolve("file.txt"), false)).isEqualTo(inside.resolve("file.txt"));
    assertThat(real(inside, true)).isEqualTo(inside);
  }

  @Test
  void aRelativePathIsTakenFromTheWorkingFolder() throws IOException {
    // The JVM's working folder is fixed at start-up, so a relative path can only be given against
    // it.
    Path workingFolder = Path.of("").toAbsolutePath().toRealPath();
    Path relative = workingFolder.relativize(inside.resolve("file-link"));

    assertThat(relative.isAbsolute()).isFalse();
    assertThat(real(relative, true)).isEqualTo(inside.resolve("file.txt"));
    assertThat(real(relative, false)).isEqualTo(inside.resolve("file-link"));
  }

  @Test
  void aFinalLinkIsFollowedOnlyWhenTheOperationFollowsIt() throws IOException {
    assertThat(real(inside.resolve("file-link"), true)).isEqualTo(inside.resolve("file.txt"));
    assertThat(real(inside.resolve("file-link"), false)).isEqualTo(inside.resolve("file-link"));
    assertThat(real(inside.resolve("abs-link"), true)).isEqualTo(outside.resolve("secret.txt"));
    assertThat(real(inside.resolve("abs-link"), false)).isEqualTo(inside.resolve("abs-link"));
  }

  @Test
  void aLinkedFolderIsFollowedEvenWhenTheFinalLinkIsNot() throws IOException {
    Files.writeString(outside.resolve("deep/x.txt"), "x");

    assertThat(real(inside.resolve("dir-link/x.txt"), true))
        .isEqualTo(outside.resolve("deep/x.txt"));
    assertThat(real(inside.resolve("dir-link/x.txt"), false))
        .isEqualTo(outside.resolve("deep/x.txt"));
    assertThat(real(inside.resolve("dir-link"), false)).isEqualTo(inside.resolve("dir-link"));
  }

  @Test
  void dotDotAfterALinkedFolderLeadsToTheParentOfTheLinkTargetNotBackInside() throws IOException {
    // Lexically inside/dir-link/../secret.txt is inside/secret.txt; the kernel goes to
    // outside/secret.txt.
    Files.writeString(inside.resolve("secret.txt"), "decoy");
    Path trick = inside.resolve("dir-link/../secret.txt");

    assertThat(real(trick, true)).isEqualTo(outside.resolve("secret.txt"));
    assertThat(real(trick, false)).isEqualTo(outside.resolve("secret.txt"));
  }

  @Test
  void dotDotAfterALinkedFolderReachesTheTargetsParentForPathsThatDoNotExistYet()
      throws IOException {
    Path creating = inside.resolve("dir-link/../new.txt");
    Path deeper = inside.resolve("dir-link/../made/new.txt");

    assertThat(real(creating, true)).isEqualTo(outside.resolve("new.txt"));
    assertThat(real(creating, false)).isEqualTo(outside.resolve("new.txt"));
    assertThat(real(deeper, true)).isEqualTo(outside.resolve("made/new.txt"));
  }

  @Test
  void aFileThatDoesNotExistYetUnderALinkedFolderIsPlacedInTheLinkTarget() throws IOException {
    assertThat(real(inside.resolve("dir-link/new.txt"), true))
        .isEqualTo(outside.resolve("deep/new.txt"));
    assertThat(real(inside.resolve("dir-link/new.txt"), false))
        .isEqualTo(outside.resolve("deep/new.txt"));
    assertThat(real(inside.resolve("dir-link/a/b/new.txt"), true))
        .isEqualTo(outside.resolve("deep/a/b/new.txt"));
  }

  @Test
  void aDanglingLinkLeadsWhereItPointsAgainstTheLinksFolder() throws IOException {
    assertThat(real(inside.resolve("dangling"), true)).isEqualTo(inside.resolve("nowhere/new.txt"));
    assertThat(real(inside.resolve("dangling"), false)).isEqualTo(inside.resolve("dangling"));
  }

  @Test
  void aDanglingLinkThroughALinkedFolderLeadsOutside() throws IOException {
    Files.createSymbolicLink(inside.resolve("to-outside"), Path.of("dir-link/../planted.txt"));

    assertThat(real(inside.resolve("to-outside"), true)).isEqualTo(outside.resolve("planted.txt"));
  }

  @Test
  void aDanglingAbsoluteLinkLeadsToItsTarget() throws IOException {
    Files.createSymbolicLink(inside.resolve("abs-dangling"), outside.resolve("deep/later.txt"));

    assertThat(real(inside.resolve("abs-dangling"), true))
        .isEqualTo(outside.resolve("deep/later.txt"));
  }

  @Test
  void aChainOfDanglingLinksIsFollowedToItsEnd() throws IOException {
    Files.createSymbolicLink(inside.resolve("first"), Path.of("second"));
    Files.createSymbolicLink(inside.resolve("second"), Path.of("dangling"));

    assertThat(real(inside.resolve("first"), true)).isEqualTo(inside.resolve("nowhere/new.txt"));
  }

  @Test
  void aLoopOfLinksCannotBeResolvedWhenFollowed() throws IOException {
    Files.createSymbolicLink(inside.resolve("ping"), Path.of("pong"));
    Files.createSymbolicLink(inside.resolve("pong"), Path.of("ping"));

    assertThatThrownBy(() -> real(inside.resolve("ping"), true))
        .isInstanceOf(FileSystemException.class);
    assertThatThrownBy(() -> real(inside.resolve("ping/x.txt"), false))
        .isInstanceOf(FileSystemException.class);
    assertThat(real(inside.resolve("ping"), false)).isEqualTo(inside.resolve("ping"));
  }

  @Test
  void aLoopTheKernelCallsMissingStopsAfterFortyLinks() throws IOException {
    // The kernel gives up at "gone" (no such file); walking the path segment by segment never ends.
    Files.createSymbolicLink(inside.resolve("spin"), Path.of("gone/../spin"));

    assertThatThrownBy(() -> real(inside.resolve("spin"), true))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("too many levels of symbolic links");
    assertThatThrownBy(() -> real(inside.resolve("spin/new.txt"), false))
        .isInstanceOf(FileSystemException.class);
  }

  @Test
  void fortyLinksAreFollowedAndTheFortyFirstIsTooMany() throws IOException {
    Path forty = chain("forty", 40);
    Path fortyOne = chain("forty-one", 41);

    assertThat(real(forty.resolve("link0"), true)).isEqualTo(forty.resolve("end.txt"));
    assertThatThrownBy(() -> real(fortyOne.resolve("link0"), true))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("too many levels of symbolic links");
  }

  /**
   * {@return a folder where link0 leads through {@code links} links, each through a missing folder,
   * to end.txt}
   */
  private Path chain(String name, int links) throws IOException {
    Path folder = Files.createDirectory(root.resolve(name));
    for (int i = 0; i < links; i++) {
      String next = i == links - 1 ? "end.txt" : "link" + (i + 1);
      Files.createSymbolicLink(folder.resolve("link" + i), Path.of("gone/../" + next));
    }
    return folder;
  }

  @Test
  void aPathThroughARegularFileCannotBeResolved() {
    assertThatThrownBy(() -> real(inside.resolve("file.txt/x"), true))
        .isInstanceOf(FileSystemException.class);
  }

  @Test
  void dotSegmentsAreDropped() throws IOException {
    assertThat(real(inside.resolve("./file.txt"), true)).isEqualTo(inside.resolve("file.txt"));
    assertThat(real(inside.resolve("dir-link/./new.txt"), false))
        .isEqualTo(outside.resolve("deep/new.txt"));
    assertThat(real(inside.resolve("nowhere/."), false)).isEqualTo(inside.resolve("nowhere"));
  }

  @Test
  void dotDotBelowAFolderThatDoesNotExistLeadsBackToItsParent() throws IOException {
    assertThat(real(inside.resolve("nowhere/../file.txt"), false))
        .isEqualTo(inside.resolve("file.txt"));
    assertThat(real(inside.resolve("nowhere/.."), false)).isEqualTo(inside);
  }

  @Test
  void dotAndDotDotAtTheRootStayAtTheRoot() throws IOException {
    Path slash = Path.of("/");

    assertThat(real(slash, true)).isEqualTo(slash);
    assertThat(real(slash, false)).isEqualTo(slash);
    assertThat(real(Path.of("/.."), true)).isEqualTo(slash);
    assertThat(real(Path.of("/.."), false)).isEqualTo(slash);
    assertThat(real(Path.of("/."), false)).isEqualTo(slash);
    assertThat(real(Path.of("/../.."), false)).isEqualTo(slash);
    assertThat(real(Path.of("/../toolguard-no-such-folder/x"), true))
        .isEqualTo(Path.of("/toolguard-no-such-folder/x"));
  }
}
