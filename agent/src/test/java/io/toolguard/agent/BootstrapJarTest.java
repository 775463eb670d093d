package io.toolguard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.bootstrap.Dispatcher;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which entries the agent copies onto the bootstrap class path: every one of its bootstrap package,
 * and only those.
 */
class BootstrapJarTest {

  @TempDir Path dir;

  @Test
  void fromABuildsClassesItTakesEveryFileOfTheBootstrapPackageNestedClassesAndAll()
      throws Exception {
    Path classes = BootstrapJar.agentLocation();
    List<String> built;
    try (Stream<Path> files = Files.walk(classes.resolve(BootstrapJar.PACKAGE))) {
      built =
          files
              .filter(Files::isRegularFile)
              .map(file -> classes.relativize(file).toString().replace('\\', '/'))
              .toList();
    }

    Map<String, byte[]> entries = BootstrapJar.entries(classes);

    assertThat(classes).as("unit tests run from the build's classes").isDirectory();
    assertThat(entries.keySet())
        .containsExactlyInAnyOrderElementsOf(built)
        .contains(
            "io/toolguard/bootstrap/Dispatcher.class",
            "io/toolguard/bootstrap/Dispatcher$Hooks.class",
            "io/toolguard/bootstrap/HandOffs.class",
            "io/toolguard/bootstrap/ToolFrames$Frame.class");
    assertThat(entries.get("io/toolguard/bootstrap/Dispatcher.class"))
        .isEqualTo(Files.readAllBytes(classes.resolve("io/toolguard/bootstrap/Dispatcher.class")));
  }

  @Test
  void fromAJarItTakesTheBootstrapPackageAndNothingElse() throws Exception {
    Path agent =
        jar(
            Map.of(
                "io/toolguard/bootstrap/Dispatcher.class", "dispatcher",
                "io/toolguard/bootstrap/Dispatcher$Hooks.class", "hooks",
                "io/toolguard/bootstrap/more/Later.class", "later",
                "io/toolguard/agent/Guards.class", "guards",
                "io/toolguard/shaded/bytebuddy/ByteBuddy.class", "byte buddy",
                "META-INF/versions/21/io/toolguard/bootstrap/Dispatcher.class", "another version"));

    Map<String, byte[]> entries = BootstrapJar.entries(agent);

    assertThat(entries.keySet())
        .containsExactly(
            "io/toolguard/bootstrap/Dispatcher$Hooks.class",
            "io/toolguard/bootstrap/Dispatcher.class",
            "io/toolguard/bootstrap/more/Later.class");
    assertThat(new String(entries.get("io/toolguard/bootstrap/Dispatcher.class")))
        .isEqualTo("dispatcher");
  }

  @Test
  void theBootJarHoldsExactlyTheEntriesTaken() throws Exception {
    Map<String, byte[]> entries = BootstrapJar.entries(BootstrapJar.agentLocation());
    Path bootJar = dir.resolve("boot.jar");

    BootstrapJar.write(entries, bootJar);

    try (JarFile jar = new JarFile(bootJar.toFile())) {
      Map<String, byte[]> written = new TreeMap<>();
      for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
        written.put(entry.getName(), jar.getInputStream(entry).readAllBytes());
      }
      assertThat(written).containsOnlyKeys(entries.keySet());
      entries.forEach((name, content) -> assertThat(written.get(name)).as(name).isEqualTo(content));
    }
  }

  @Test
  void aJarWithoutTheDispatcherIsDamaged() throws Exception {
    Path agent = jar(Map.of("io/toolguard/agent/Guards.class", "guards"));

    assertThatThrownBy(() -> BootstrapJar.entries(agent))
        .isInstanceOf(IOException.class)
        .hasMessage(
            agent
                + " lacks io/toolguard/bootstrap/Dispatcher.class; the agent jar is damaged, download it again");
  }

  @Test
  void theBridgeIsTakenFromWhereTheAgentsOwnClassesCameFrom() throws Exception {
    assertThat(
            Path.of(Dispatcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
        .isEqualTo(BootstrapJar.agentLocation());
  }

  private Path jar(Map<String, String> entries) throws IOException {
    Path jar = dir.resolve("agent.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream target = new JarOutputStream(out)) {
      for (Map.Entry<String, String> entry : new TreeMap<>(entries).entrySet()) {
        target.putNextEntry(new JarEntry(entry.getKey()));
        target.write(entry.getValue().getBytes());
        target.closeEntry();
      }
    }
    return jar;
  }
}
