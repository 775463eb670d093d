package io.toolguard.agent.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.weave.Hook;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider's opening methods are hooked so that each open is checked once: {@code
 * newFileChannel} always, {@code newByteChannel} only where it opens the file itself (JDK 17), not
 * where it only calls {@code newFileChannel} (JDK 25).
 */
class FileHooksTest {

  private static final String DESCRIPTOR = "(Ljava/lang/String;I)Ljava/lang/Object;";

  /** Fixtures: each method's shape is what {@link Forwarding} reads. */
  @SuppressWarnings("unused")
  abstract static class Shapes {
    Object forwards(String name, int mode) {
      return target(name, mode);
    }

    Object swaps(String name, int mode) {
      return target(name.trim(), mode);
    }

    Object checksFirst(String name, int mode) {
      if (name.isEmpty()) {
        throw new IllegalArgumentException(name);
      }
      return target(name, mode);
    }

    Object catches(String name, int mode) {
      try {
        return target(name, mode);
      } catch (RuntimeException failed) {
        return null;
      }
    }

    Object callsAnother(String name, int mode) {
      return other(name, mode);
    }

    static Object staticForward(String name, int mode) {
      return null;
    }

    abstract Object target(String name, int mode);

    abstract Object other(String name, int mode);
  }

  private static byte[] shapes() throws IOException {
    try (InputStream in = Shapes.class.getResourceAsStream("FileHooksTest$Shapes.class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void onlyAMethodThatHandsItsArgumentsOnUnchangedForwards() throws IOException {
    byte[] shapes = shapes();

    assertThat(Forwarding.onlyCalls(shapes, "forwards", DESCRIPTOR, "target")).isTrue();
    assertThat(Forwarding.onlyCalls(shapes, "forwards", DESCRIPTOR, "other")).isFalse();
    assertThat(Forwarding.onlyCalls(shapes, "swaps", DESCRIPTOR, "target")).isFalse();
    assertThat(Forwarding.onlyCalls(shapes, "checksFirst", DESCRIPTOR, "target")).isFalse();
    assertThat(Forwarding.onlyCalls(shapes, "catches", DESCRIPTOR, "target")).isFalse();
    assertThat(Forwarding.onlyCalls(shapes, "callsAnother", DESCRIPTOR, "target")).isFalse();
    assertThat(Forwarding.onlyCalls(shapes, "staticForward", DESCRIPTOR, "target")).isFalse();
    assertThat(Forwarding.onlyCalls(shapes, "missing", DESCRIPTOR, "target")).isFalse();
    assertThat(Forwarding.onlyCalls(new byte[] {1, 2, 3}, "forwards", DESCRIPTOR, "target"))
        .isFalse();
  }

  @Test
  void aClassFileThatCannotBeReadKeepsTheHook() {
    assertThat(Forwarding.onlyCalls(int.class, "forwards", DESCRIPTOR, "target")).isFalse();
  }

  @Test
  void eachOpenOfThisJdksProviderIsHookedOnce() {
    Map<String, List<Hook>> hooks = FileHooks.forThisJvm();
    List<String> opening =
        hooks.entrySet().stream()
            .filter(entry -> entry.getKey().endsWith("FileSystemProvider"))
            .flatMap(entry -> entry.getValue().stream())
            .map(Hook::name)
            .filter(name -> name.equals("newByteChannel") || name.equals("newFileChannel"))
            .toList();
    int feature = Runtime.version().feature();

    assertThat(FileSystems.getDefault().provider().getClass().getName())
        .isEqualTo("sun.nio.fs.LinuxFileSystemProvider");
    if (feature == 17) {
      // JDK 17: newByteChannel opens the file itself
      assertThat(opening).containsExactlyInAnyOrder("newByteChannel", "newFileChannel");
    } else if (feature >= 25) {
      // JDK 25: newByteChannel is `return newFileChannel(path, options, attributes)`
      assertThat(opening).containsExactly("newFileChannel");
    }
    // the secure directory stream's own newByteChannel is not the provider's
    assertThat(hooks.get("sun/nio/fs/UnixSecureDirectoryStream"))
        .extracting(Hook::name)
        .contains("newByteChannel");
  }
}
