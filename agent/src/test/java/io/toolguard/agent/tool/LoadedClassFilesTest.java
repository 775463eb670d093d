package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the class file of a loaded class is read: the jar it came from, else its loader. */
class LoadedClassFilesTest {

  private final ToolClassFilter filter =
      new ToolClassFilter(new ToolAnnotations(List.of()), List.of());

  @Test
  void aLoadedClassIsReadFromTheJarItCameFrom() throws IOException {
    assertThat(Test.class.getClassLoader()).isSameAs(ClassLoader.getSystemClassLoader());
    assertThat(Test.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .endsWith(".jar");
    try (LoadedClassFiles files = new LoadedClassFiles(filter)) {
      assertThat(files.read(Test.class, "org/junit/jupiter/api/Test"))
          .isEqualTo(resource(Test.class));
    }
  }

  @Test
  void oneFromAFolderOrMadeAtRunTimeIsReadAsBefore() throws IOException {
    Runnable lambda = () -> {};
    try (LoadedClassFiles files = new LoadedClassFiles(filter)) {
      assertThat(
              files.read(
                  LoadedClassFilesTest.class, "io/toolguard/agent/tool/LoadedClassFilesTest"))
          .isEqualTo(resource(LoadedClassFilesTest.class));
      assertThat(files.read(lambda.getClass(), lambda.getClass().getName().replace('.', '/')))
          .isNull();
    }
  }

  private static byte[] resource(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }
}
