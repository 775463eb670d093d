package io.toolguard.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.bootstrap.Dispatcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which classes the agent defines into the bootstrap class loader: every one of its bootstrap
 * package, and only those, each after its supertypes.
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
  void fromAJarItTakesThePackageTheBuildPackedAndNothingElse() throws Exception {
    byte[] packed =
        jarBytes(
            Map.of(
                "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n",
                "io/toolguard/bootstrap/Dispatcher.class", "dispatcher",
                "io/toolguard/bootstrap/Dispatcher$Hooks.class", "hooks"));
    Path agent =
        jar(
            Map.of(
                BootstrapJar.PACKED,
                packed,
                "io/toolguard/bootstrap/Dispatcher.class",
                bytes("unpacked, not taken"),
                "io/toolguard/bootstrap/Extra.class",
                bytes("unpacked, not taken"),
                "io/toolguard/agent/Guards.class",
                bytes("guards")));

    Map<String, byte[]> entries = BootstrapJar.entries(agent);

    assertThat(entries.keySet())
        .containsExactly(
            "io/toolguard/bootstrap/Dispatcher$Hooks.class",
            "io/toolguard/bootstrap/Dispatcher.class");
    assertThat(new String(entries.get("io/toolguard/bootstrap/Dispatcher.class"), UTF_8))
        .isEqualTo("dispatcher");
  }

  @Test
  void everyClassComesAfterItsSuperClassAndInterfacesOfThePackage() throws Exception {
    Map<String, byte[]> entries = BootstrapJar.entries(BootstrapJar.agentLocation());

    Map<String, byte[]> ordered = BootstrapJar.inDefinitionOrder(entries);

    assertThat(ordered).hasSize(entries.size());
    List<String> names = List.copyOf(ordered.keySet());
    for (String name : names) {
      Class<?> type = Class.forName(name, false, Dispatcher.class.getClassLoader());
      List<Class<?>> supertypes = new ArrayList<>(List.of(type.getInterfaces()));
      supertypes.add(type.getSuperclass());
      for (Class<?> supertype : supertypes) {
        if (supertype != null && names.contains(supertype.getName())) {
          assertThat(names.indexOf(supertype.getName()))
              .as(supertype.getName() + " before " + name)
              .isLessThan(names.indexOf(name));
        }
      }
    }
    assertThat(names.indexOf("io.toolguard.bootstrap.Dispatcher$Hooks")).isGreaterThanOrEqualTo(0);
  }

  @Test
  void theGeneratedDefinerCallsUnsafeItselfSoItWorksOnlyWhereTheAgentExportedItsPackage()
      throws Exception {
    byte[] classFile = BootDefiner.classFile();
    Class<?> type =
        new ClassLoader(null) {
          Class<?> define() {
            return defineClass(
                "io.toolguard.agent.GeneratedBootDefiner", classFile, 0, classFile.length);
          }
        }.define();
    @SuppressWarnings("unchecked")
    BiFunction<String, byte[], Class<?>> definer =
        (BiFunction<String, byte[], Class<?>>) type.getConstructor().newInstance();

    assertThat(type.getInterfaces()).containsExactly(BiFunction.class, BooleanSupplier.class);
    assertThatThrownBy(() -> definer.apply("x.Y", new byte[0]))
        .isInstanceOf(IllegalAccessError.class)
        .hasMessageContaining("jdk.internal.misc");
    assertThatThrownBy(() -> ((BooleanSupplier) definer).getAsBoolean())
        .isInstanceOf(IllegalAccessError.class)
        .hasMessageContaining("jdk.internal.misc");
  }

  @Test
  void entriesWhoseSizeTheJarGivesAreReadWholeAndOneWithAnotherChecksumIsRefused()
      throws Exception {
    byte[] dispatcher = new byte[20_000];
    for (int i = 0; i < dispatcher.length; i++) {
      dispatcher[i] = (byte) (i * 31);
    }
    byte[] packed = storedJarBytes(Map.of("io/toolguard/bootstrap/Dispatcher.class", dispatcher));

    assertThat(BootstrapJar.entries(jar(Map.of(BootstrapJar.PACKED, packed))))
        .hasEntrySatisfying(
            "io/toolguard/bootstrap/Dispatcher.class",
            content -> assertThat(content).isEqualTo(dispatcher));

    // One byte of the class changed, its size and checksum not.
    int at = indexOf(packed, dispatcher) + 10_000;
    packed[at] = (byte) (packed[at] + 1);
    Path damaged = jar(Map.of(BootstrapJar.PACKED, packed));
    assertThatThrownBy(() -> BootstrapJar.entries(damaged)).isInstanceOf(IOException.class);
  }

  @Test
  void aJarWithoutThePackedPackageIsDamaged() throws Exception {
    Path agent = jar(Map.of("io/toolguard/bootstrap/Dispatcher.class", bytes("dispatcher")));

    assertThatThrownBy(() -> BootstrapJar.entries(agent))
        .isInstanceOf(IOException.class)
        .hasMessage(
            agent
                + " lacks META-INF/toolguard/toolguard-agent-bootstrap.jar; the agent jar is damaged,"
                + " download it again");
  }

  @Test
  void aJarWithoutTheDispatcherIsDamaged() throws Exception {
    Path agent =
        jar(
            Map.of(
                BootstrapJar.PACKED,
                jarBytes(Map.of("io/toolguard/bootstrap/HandOffs.class", "hand-offs"))));

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

  private Path jar(Map<String, byte[]> entries) throws IOException {
    Path jar = dir.resolve("agent.jar");
    Files.write(jar, write(entries));
    return jar;
  }

  private static byte[] jarBytes(Map<String, String> entries) throws IOException {
    Map<String, byte[]> content = new TreeMap<>();
    entries.forEach((name, text) -> content.put(name, bytes(text)));
    return write(content);
  }

  private static byte[] write(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream target = new JarOutputStream(out)) {
      for (Map.Entry<String, byte[]> entry : new TreeMap<>(entries).entrySet()) {
        target.putNextEntry(new JarEntry(entry.getKey()));
        target.write(entry.getValue());
        target.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** {@return a jar whose entries are stored, with their sizes before their content} */
  private static byte[] storedJarBytes(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream target = new JarOutputStream(out)) {
      for (Map.Entry<String, byte[]> entry : new TreeMap<>(entries).entrySet()) {
        JarEntry stored = new JarEntry(entry.getKey());
        CRC32 crc = new CRC32();
        crc.update(entry.getValue());
        stored.setMethod(JarEntry.STORED);
        stored.setSize(entry.getValue().length);
        stored.setCrc(crc.getValue());
        target.putNextEntry(stored);
        target.write(entry.getValue());
        target.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] in, byte[] part) {
    for (int i = 0; i + part.length <= in.length; i++) {
      if (Arrays.equals(in, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
