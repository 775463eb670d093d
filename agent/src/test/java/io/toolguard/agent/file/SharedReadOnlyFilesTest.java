package io.toolguard.agent.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedReadOnlyFilesTest {

  @TempDir Path dir;

  /**
   * The links found by hand are the links {@code Files.walk} finds (it follows none): at any depth,
   * a link to a folder taken as a link and not entered, a start that is itself a link.
   */
  @Test
  void findsTheLinksTheWalkFinds() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path inner = Files.createDirectories(outside.resolve("inner"));
    Files.writeString(outside.resolve("secret"), "x");
    // found only by a walk that entered the link to its folder, which neither does
    Files.createSymbolicLink(inner.resolve("deep"), dir.resolve("tree/a"));
    Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
    Files.writeString(tree.resolve("plain"), "x");
    Files.createSymbolicLink(tree.resolve("toFile"), outside.resolve("secret"));
    Files.createSymbolicLink(dir.resolve("tree/toFolder"), outside);
    Files.createSymbolicLink(dir.resolve("tree/a/dangling"), dir.resolve("missing"));
    Files.createSymbolicLink(dir.resolve("linkedStart"), dir.resolve("tree"));

    for (Path start :
        List.of(dir.resolve("tree"), dir.resolve("linkedStart"), dir.resolve("missing"))) {
      List<Path> byHand = new ArrayList<>();
      SharedReadOnlyFiles.addLinkTargets(start, byHand);

      assertThat(byHand).as(start.toString()).containsExactlyInAnyOrderElementsOf(walked(start));
    }
    List<Path> fromTree = new ArrayList<>();
    SharedReadOnlyFiles.addLinkTargets(dir.resolve("tree"), fromTree);
    assertThat(fromTree)
        .containsExactlyInAnyOrder(outside.resolve("secret").toRealPath(), outside.toRealPath())
        .doesNotContain(dir.resolve("tree/a").toRealPath());
  }

  private static List<Path> walked(Path start) {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(start)) {
      walk.filter(Files::isSymbolicLink)
          .forEach(
              link -> {
                try {
                  found.add(link.toRealPath());
                } catch (IOException dangling) {
                  // as SharedReadOnlyFiles.real: nothing
                }
              });
    } catch (IOException | java.io.UncheckedIOException unreadable) {
      // nothing
    }
    return found;
  }
}
