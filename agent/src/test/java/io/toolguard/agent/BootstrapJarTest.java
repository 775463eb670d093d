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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which classes the agent defines into the bootstrap class loader: every one of its bootstrap
 * package, and only those, each after its supertypes, read from the file the build packed (see
 * {@link BootstrapPacker}), which is exactly what the packer makes of the build's classes.
 */
class BootstrapJarTest {

  @TempDir Path dir;

  @Test
  void theBuildPackedEveryFileOfTheBootstrapPackageNestedClassesAndAll() throws Exception {
    Path classes = BootstrapJar.agentLocation();
    List<String> built;
    try (Stream<Path> files = Files.walk(classes.resolve(BootstrapJar.PACKAGE))) {
      built =
          files
              .filter(Files::isRegularFile)
              .map(file -> classes.relativize(file).toString().replace('\\', '/'))
              .map(file -> file.substring(0, file.length() - ".class".length()).replace('/', '.'))
              .toList();
    }

    BootstrapJar.Packed packed = BootstrapJar.read(classes);

    assertThat(classes).as("unit tests run from the build's classes").isDirectory();
    assertThat(packed.classes().keySet())
        .containsExactlyInAnyOrderElementsOf(built)
        .contains(
            "io.toolguard.bootstrap.Dispatcher",
            "io.toolguard.bootstrap.Dispatcher$Hooks",
            "io.toolguard.bootstrap.HandOffs",
            "io.toolguard.bootstrap.ToolFrames$Frame");
    for (String name : built) {
      assertThat(packed.classes().get(name))
          .as(name)
          .isEqualTo(Files.readAllBytes(classes.resolve(name.replace('.', '/') + ".class")));
    }
  }

  @Test
  void thePackedFileIsExactlyWhatThePackerMakesOfTheBuildsClassesSoItCannotDrift()
      throws Exception {
    Path classes = BootstrapJar.agentLocation();

    byte[] made = BootstrapPacker.pack(BootstrapPacker.classFiles(classes));

    assertThat(Files.readAllBytes(classes.resolve(BootstrapJar.PACKED))).isEqualTo(made);
    assertThat(BootstrapJar.read(classes).definer()).isEqualTo(BootstrapPacker.definerClassFile());
  }

  @Test
  void packingIsReproducibleWhateverOrderTheFilesAreGivenIn() throws Exception {
    Map<String, byte[]> files = BootstrapPacker.classFiles(BootstrapJar.agentLocation());
    List<String> names = new ArrayList<>(files.keySet());
    Collections.reverse(names);
    Map<String, byte[]> reversed = new LinkedHashMap<>();
    for (String name : names) {
      reversed.put(name, files.get(name));
    }

    assertThat(BootstrapPacker.pack(reversed)).isEqualTo(BootstrapPacker.pack(files));
  }

  @Test
  void everyClassComesAfterItsSuperClassAndInterfacesOfThePackage() throws Exception {
    Map<String, byte[]> ordered = BootstrapJar.read(BootstrapJar.agentLocation()).classes();

    // Today no class of the package extends or implements another of it (the order is then the
    // names'); theOrderPutsSupertypesFirstWhereTheNamesWouldNot checks the order where one does.
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
  void theOrderPutsSupertypesFirstWhereTheNamesWouldNot() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put("io/toolguard/bootstrap/A.class", type("A", "io/toolguard/bootstrap/B"));
    files.put(
        "io/toolguard/bootstrap/B.class",
        type("B", "java/lang/Object", "io/toolguard/bootstrap/C", "java/lang/Runnable"));
    files.put("io/toolguard/bootstrap/C.class", type("C", "java/lang/Object"));
    files.put("io/toolguard/bootstrap/notes.txt", bytes("not a class"));

    assertThat(BootstrapPacker.inDefinitionOrder(files).keySet())
        .containsExactly(
            "io.toolguard.bootstrap.C", "io.toolguard.bootstrap.B", "io.toolguard.bootstrap.A");
  }

  @Test
  void classesThatInheritInACircleAreRefused() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put("io/toolguard/bootstrap/A.class", type("A", "io/toolguard/bootstrap/B"));
    files.put("io/toolguard/bootstrap/B.class", type("B", "io/toolguard/bootstrap/A"));

    assertThatThrownBy(() -> BootstrapPacker.inDefinitionOrder(files))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inherit in a circle");
  }

  @Test
  void theGeneratedDefinerCallsUnsafeItselfSoItWorksOnlyWhereTheAgentExportedItsPackage()
      throws Exception {
    byte[] classFile = BootstrapJar.read(BootstrapJar.agentLocation()).definer();
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
    assertThat(type.getDeclaredFields()).isEmpty();
    assertThatThrownBy(() -> definer.apply("x.Y", new byte[0]))
        .isInstanceOf(IllegalAccessError.class)
        .hasMessageContaining("jdk.internal.misc");
    assertThatThrownBy(() -> ((BooleanSupplier) definer).getAsBoolean())
        .isInstanceOf(IllegalAccessError.class)
        .hasMessageContaining("jdk.internal.misc");
  }

  @Test
  void fromAJarItReadsThePackedEntryAndNothingElse() throws Exception {
    byte[] packed = BootstrapPacker.pack(BootstrapPacker.classFiles(BootstrapJar.agentLocation()));
    Path agent =
        jar(
            Map.of(
                BootstrapJar.PACKED,
                packed,
                "io/toolguard/bootstrap/Extra.class",
                bytes("unpacked, not taken"),
                "io/toolguard/agent/Guards.class",
                bytes("guards")));

    BootstrapJar.Packed read = BootstrapJar.read(agent);

    assertThat(read.classes()).doesNotContainKey("io.toolguard.bootstrap.Extra");
    assertThat(read.classes().keySet())
        .containsExactlyElementsOf(
            BootstrapJar.read(BootstrapJar.agentLocation()).classes().keySet());
  }

  @Test
  void aClassWithOneByteChangedIsRefusedAsTheBootstrapLoaderDoesNotVerifyIt() throws Exception {
    Path classes = BootstrapJar.agentLocation();
    byte[] dispatcher =
        Files.readAllBytes(classes.resolve("io/toolguard/bootstrap/Dispatcher.class"));
    byte[] packed = BootstrapPacker.pack(BootstrapPacker.classFiles(classes));
    int at = indexOf(packed, dispatcher) + dispatcher.length / 2;
    packed[at] = (byte) (packed[at] + 1);

    assertThatThrownBy(() -> BootstrapJar.read(jar(Map.of(BootstrapJar.PACKED, packed))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "io.toolguard.bootstrap.Dispatcher is not as it was packed; the agent jar is damaged,"
                + " download it again");
  }

  @Test
  void aPackedFileCutShortOrWithMoreAfterItIsRefused() throws Exception {
    byte[] packed = BootstrapPacker.pack(BootstrapPacker.classFiles(BootstrapJar.agentLocation()));
    byte[] cut = Arrays.copyOf(packed, packed.length - 1);
    byte[] longer = Arrays.copyOf(packed, packed.length + 1);

    assertThatThrownBy(() -> BootstrapJar.read(jar(Map.of(BootstrapJar.PACKED, cut))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("it is cut short");
    assertThatThrownBy(() -> BootstrapJar.read(jar(Map.of(BootstrapJar.PACKED, longer))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("it goes on after its last class");
  }

  @Test
  void aFileThatIsNotAPackedPackageWithTheDispatcherIsRefused() throws Exception {
    Map<String, byte[]> withoutDispatcher = new TreeMap<>();
    withoutDispatcher.put(
        "io/toolguard/bootstrap/C.class", type("C", "java/lang/Object", "java/lang/Runnable"));
    byte[] noDispatcher = BootstrapPacker.pack(withoutDispatcher);

    assertThatThrownBy(
            () -> BootstrapJar.read(jar(Map.of(BootstrapJar.PACKED, bytes("PK, not packed")))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("it is not toolguard's");
    assertThatThrownBy(() -> BootstrapJar.read(jar(Map.of(BootstrapJar.PACKED, noDispatcher))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("it lacks io.toolguard.bootstrap.Dispatcher");
  }

  @Test
  void aJarWithoutThePackedPackageIsDamaged() throws Exception {
    Path agent = jar(Map.of("io/toolguard/bootstrap/Dispatcher.class", bytes("dispatcher")));

    assertThatThrownBy(() -> BootstrapJar.read(agent))
        .isInstanceOf(IOException.class)
        .hasMessage(
            agent
                + " lacks META-INF/toolguard/bootstrap.packed; the agent jar is damaged,"
                + " download it again");
  }

  @Test
  void theBridgeIsTakenFromWhereTheAgentsOwnClassesCameFrom() throws Exception {
    assertThat(
            Path.of(Dispatcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
        .isEqualTo(BootstrapJar.agentLocation());
  }

  /** {@return a class file of {@code io/toolguard/bootstrap/NAME} with these supertypes} */
  private static byte[] type(String name, String superName, String... interfaces) {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC,
        "io/toolguard/bootstrap/" + name,
        null,
        superName,
        interfaces);
    writer.visitEnd();
    return writer.toByteArray();
  }

  private Path jar(Map<String, byte[]> entries) throws IOException {
    Path jar = Files.createTempFile(dir, "agent", ".jar");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream target = new JarOutputStream(out)) {
      for (Map.Entry<String, byte[]> entry : new TreeMap<>(entries).entrySet()) {
        target.putNextEntry(new JarEntry(entry.getKey()));
        target.write(entry.getValue());
        target.closeEntry();
      }
    }
    Files.write(jar, out.toByteArray());
    return jar;
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
