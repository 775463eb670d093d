package io.toolguard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClassLoaderTest {

  private static final String ANSWER = "io/toolguard/agent/fixture/Answer";

  private static final byte[] PAGE =
      "<p>page</p>".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void definesThePackedClassesItselfAndAsksItsParentForTheRest() throws Exception {
    Path jar = packedJar(Map.of(ANSWER + ".class", answering(ANSWER, "packed")));
    AgentClassLoader loader = open(jar);

    Class<?> answer = loader.loadClass(ANSWER.replace('/', '.'));

    assertThat(loader.readsAtOffset()).isTrue();
    assertThat(answer.getClassLoader()).isSameAs(loader);
    assertThat(((Supplier<?>) answer.getConstructor().newInstance()).get()).isEqualTo("packed");
    assertThat(answer.getPackage().getImplementationVersion()).isEqualTo("9.9");
    assertThat(answer.getPackage().getImplementationTitle()).isEqualTo("toolguard");
    assertThat(answer.getProtectionDomain().getCodeSource().getLocation())
        .isEqualTo(jar.toUri().toURL());
    assertThat(loader.loadClass(ANSWER.replace('/', '.'))).isSameAs(answer);
    assertThat(loader.loadClass("java.lang.String")).isSameAs(String.class);
    // Not packed: the application class loader's, as the agent's parent.
    assertThat(loader.loadClass(AgentClassLoaderTest.class.getName()))
        .isSameAs(AgentClassLoaderTest.class);
    assertThatThrownBy(() -> loader.loadClass("io.toolguard.agent.fixture.Missing"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void definesClassesOfEveryLengthOneAfterAnotherFromTheBufferItReuses() throws Exception {
    String small = "io/toolguard/agent/fixture/Small";
    String large = "io/toolguard/agent/fixture/Large";
    String long_ = "long ".repeat(6_000);
    Path jar =
        packedJar(
            Map.of(
                ANSWER + ".class", answering(ANSWER, "first"),
                large + ".class", answering(large, long_),
                small + ".class", answering(small, "small")));
    AgentClassLoader loader = open(jar);

    // Each class is inflated into the buffer the one before it left, longer or shorter than it.
    java.security.ProtectionDomain domain = null;
    for (String[] expected : new String[][] {{ANSWER, "first"}, {large, long_}, {small, "small"}}) {
      Class<?> type = loader.loadClass(expected[0].replace('/', '.'));
      assertThat(((Supplier<?>) type.getConstructor().newInstance()).get()).isEqualTo(expected[1]);
      // one protection domain for all, the jar's
      assertThat(type.getProtectionDomain().getClassLoader()).isSameAs(loader);
      assertThat(type.getProtectionDomain().getCodeSource().getLocation())
          .isEqualTo(jar.toUri().toURL());
      domain = domain == null ? type.getProtectionDomain() : domain;
      assertThat(type.getProtectionDomain()).isSameAs(domain);
      try (var in = loader.getResourceAsStream(expected[0] + ".class")) {
        assertThat(in.readAllBytes()).isEqualTo(answering(expected[0], expected[1]));
      }
    }
  }

  @Test
  void keepsThePackedClassesOutOfTheJarsOwnEntriesAndServesTheirFilesItself() throws Exception {
    byte[] classFile = answering(ANSWER, "packed");
    Path jar =
        packedJar(Map.of(ANSWER + ".class", classFile, "io/toolguard/agent/web/page.html", PAGE));
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      assertThat(zip.getEntry(ANSWER + ".class")).as("the packed class's own entry").isNull();
      assertThat(zip.getEntry("io/toolguard/agent/web/page.html")).isNotNull();
    }
    AgentClassLoader loader = open(jar);
    try (java.net.URLClassLoader application =
        new java.net.URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> application.loadClass(ANSWER.replace('/', '.')))
          .as("the jar's copy, for a loader with the jar on its class path")
          .isInstanceOf(ClassNotFoundException.class);
    }

    try (InputStream in = loader.getResourceAsStream(ANSWER + ".class")) {
      assertThat(in.readAllBytes()).isEqualTo(classFile);
    }
    assertThat(loader.getResourceAsStream("io/toolguard/agent/fixture/Missing.class")).isNull();
  }

  /**
   * A jar whose packed entry is not last (written again by another tool, or given a comment) is
   * read through the jar's stream of the entry: the same classes, stored as they are or deflated,
   * each at its own offset, and the same checks.
   */
  @Test
  void readsThroughTheJarWhereThePackedEntryIsNotWhereTheBuildPutIt() throws Exception {
    String library = "io/toolguard/shaded/fixture/Library";
    String text = "compressible ".repeat(200);
    byte[] noise = noise();
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ANSWER + ".class", answering(ANSWER, "packed"));
    entries.put(library + ".class", answering(library, text));
    entries.put(NOISE + ".class", noise);
    Path jar = packedJar(entries);
    for (boolean comment : new boolean[] {false, true}) {
      // with a comment, the packed entry is last but the end record is not at the end; the
      // copy's last byte, the last of the last class's data (NOISE's), is changed then too
      Path moved =
          copy(
              jar,
              "moved-" + comment + ".jar",
              comment,
              out -> {
                if (comment) {
                  out.setComment("a comment");
                } else {
                  put(out, "after.txt", new byte[] {1}, false);
                }
              });
      AgentClassLoader loader = open(moved);

      assertThat(loader.readsAtOffset()).as("comment: " + comment).isFalse();
      Class<?> answer = loader.loadClass(ANSWER.replace('/', '.'));
      assertThat(((Supplier<?>) answer.getConstructor().newInstance()).get()).isEqualTo("packed");
      Class<?> deflated = loader.loadClass(library.replace('/', '.'));
      assertThat(((Supplier<?>) deflated.getConstructor().newInstance()).get()).isEqualTo(text);
      if (comment) {
        assertThat(loader.getResourceAsStream(NOISE + ".class")).as("damaged").isNull();
      } else {
        try (InputStream in = loader.getResourceAsStream(NOISE + ".class")) {
          assertThat(in.readAllBytes()).isEqualTo(noise);
        }
      }
    }
  }

  /**
   * A library class that deflating does not make shorter is stored as it is, and read back so, at
   * the jar's offset.
   */
  @Test
  void storesAsItIsALibraryClassThatDeflatingDoesNotShorten() throws Exception {
    byte[] noise = noise();
    Path jar = packedJar(Map.of(NOISE + ".class", noise));
    byte[] packed;
    try (ZipFile zip = new ZipFile(jar.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(AgentClassLoader.PACKED))) {
      packed = in.readAllBytes();
    }
    int record = 3 * Integer.BYTES;
    assertThat(intAt(packed, record + 4 * Integer.BYTES)).isEqualTo(noise.length);
    assertThat(intAt(packed, record + 5 * Integer.BYTES)).isEqualTo(noise.length);
    AgentClassLoader loader = open(jar);
    assertThat(loader.readsAtOffset()).isTrue();
    try (InputStream in = loader.getResourceAsStream(NOISE + ".class")) {
      assertThat(in.readAllBytes()).isEqualTo(noise);
    }
  }

  /** A library's "class file" of bytes no deflater shortens (the packer reads none of it). */
  private static final String NOISE = "io/toolguard/shaded/fixture/Noise";

  private static byte[] noise() {
    byte[] noise = new byte[4096];
    new java.util.Random(16).nextBytes(noise);
    return noise;
  }

  @Test
  void takesTheMultiReleaseVersionForThisJvm() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ANSWER + ".class", answering(ANSWER, "base"));
    entries.put("META-INF/versions/9/" + ANSWER + ".class", answering(ANSWER, "nine"));
    entries.put("META-INF/versions/1000/" + ANSWER + ".class", answering(ANSWER, "future"));
    AgentClassLoader loader = open(packedJar(entries));

    Class<?> answer = loader.loadClass(ANSWER.replace('/', '.'));

    assertThat(((Supplier<?>) answer.getConstructor().newInstance()).get()).isEqualTo("nine");
  }

  @Test
  void packsTheAgentsClassesAndTheLibrariesButNotWhatTheApplicationLoaderLoads() {
    byte[] bytes = {1};
    assertThat(AgentPacker.packed("io/toolguard/agent/Startup.class", bytes))
        .isEqualTo(new AgentPacker.Packed("io.toolguard.agent.Startup", 0, bytes));
    assertThat(AgentPacker.packed("io/toolguard/shaded/snakeyaml/Yaml.class", bytes).binaryName())
        .isEqualTo("io.toolguard.shaded.snakeyaml.Yaml");
    assertThat(
            AgentPacker.packed(
                "META-INF/versions/24/io/toolguard/shaded/bytebuddy/X$Y.class", bytes))
        .isEqualTo(new AgentPacker.Packed("io.toolguard.shaded.bytebuddy.X$Y", 24, bytes));
    assertThat(AgentPacker.packed("io/toolguard/agent/ToolGuardAgent.class", bytes)).isNull();
    assertThat(AgentPacker.packed("io/toolguard/agent/AgentClassLoader.class", bytes)).isNull();
    assertThat(AgentPacker.packed("io/toolguard/agent/AgentClassLoader$1.class", bytes)).isNull();
    assertThat(AgentPacker.packed("io/toolguard/bootstrap/Dispatcher.class", bytes)).isNull();
    assertThat(AgentPacker.packed("io/toolguard/agent/schema.json", bytes)).isNull();
    assertThat(AgentPacker.packed("META-INF/versions/x/io/toolguard/agent/A.class", bytes))
        .isNull();
    assertThat(AgentPacker.packed("org/example/A.class", bytes)).isNull();
  }

  /**
   * The agent's own classes are stored as they are, a library's deflated: each is read back as it
   * was packed, and a change to either kind's bytes is caught.
   */
  @Test
  void storesTheAgentsOwnClassesAsTheyAreAndDeflatesTheLibraries() throws Exception {
    String library = "io/toolguard/shaded/fixture/Library";
    String text = "compressible ".repeat(200);
    byte[] own = answering(ANSWER, "own");
    byte[] deflatable = answering(library, text);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ANSWER + ".class", own);
    entries.put(library + ".class", deflatable);
    Path jar = packedJar(entries);

    byte[] packed;
    try (ZipFile zip = new ZipFile(jar.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(AgentClassLoader.PACKED))) {
      packed = in.readAllBytes();
    }
    // records sorted by name: the agent's class first, the library's second
    int records = 3 * Integer.BYTES;
    int recordBytes = AgentClassLoader.RECORD_INTS * Integer.BYTES;
    assertThat(intAt(packed, records + 4 * Integer.BYTES))
        .as("the agent's class, stored as it is")
        .isEqualTo(own.length)
        .isEqualTo(intAt(packed, records + 5 * Integer.BYTES));
    assertThat(intAt(packed, records + recordBytes + 4 * Integer.BYTES))
        .as("the library's, deflated")
        .isLessThan(deflatable.length);
    assertThat(intAt(packed, records + recordBytes + 5 * Integer.BYTES))
        .isEqualTo(deflatable.length);

    AgentClassLoader loader = open(jar);
    for (String[] expected : new String[][] {{ANSWER, "own"}, {library, text}}) {
      Class<?> type = loader.loadClass(expected[0].replace('/', '.'));
      assertThat(((Supplier<?>) type.getConstructor().newInstance()).get()).isEqualTo(expected[1]);
      try (InputStream in = loader.getResourceAsStream(expected[0] + ".class")) {
        assertThat(in.readAllBytes()).isEqualTo(answering(expected[0], expected[1]));
      }
    }

    // The library's deflated bytes changed (its stream's last byte, the last of the entry).
    AgentClassLoader damagedLibrary = open(copy(jar, "library.jar", true, out -> {}));
    assertThat(damagedLibrary.loadClass(ANSWER.replace('/', '.'))).isNotNull();
    assertThatThrownBy(() -> damagedLibrary.loadClass(library.replace('/', '.')))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining("io.toolguard.shaded.fixture.Library is not as it was packed");
    // The agent's class's bytes changed where they are stored, first of the data: its last byte.
    assertThat(intAt(packed, records + 3 * Integer.BYTES)).as("where its data starts").isZero();
    int namesLength = intAt(packed, 2 * Integer.BYTES);
    byte[] changed = packed.clone();
    changed[records + 2 * recordBytes + namesLength + own.length - 1] ^= 1;
    AgentClassLoader damagedOwn = open(storedPacked("own.jar", changed));
    assertThatThrownBy(() -> damagedOwn.loadClass(ANSWER.replace('/', '.')))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining("io.toolguard.agent.fixture.Answer is not as it was packed");
    assertThat(damagedOwn.loadClass(library.replace('/', '.'))).isNotNull();
  }

  private static int intAt(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 24
        | (bytes[at + 1] & 0xff) << 16
        | (bytes[at + 2] & 0xff) << 8
        | bytes[at + 3] & 0xff;
  }

  @Test
  void refusesAClassWhoseBytesChangedAfterPacking() throws Exception {
    Path jar = packedJar(Map.of(ANSWER + ".class", answering(ANSWER, "packed")));
    Path damaged = copy(jar, "damaged.jar", true, out -> {});
    AgentClassLoader loader = open(damaged);

    assertThat(loader.readsAtOffset()).isTrue();
    assertThatThrownBy(() -> loader.loadClass(ANSWER.replace('/', '.')))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining("damaged.jar")
        .hasMessageContaining("io.toolguard.agent.fixture.Answer is not as it was packed")
        .hasMessageContaining("download it again");
  }

  @Test
  void refusesAJarWithoutPackedClassesOrWithThemCompressed() throws Exception {
    Path bare = jar("bare.jar", Map.of(ANSWER + ".class", answering(ANSWER, "x")));
    assertThatThrownBy(() -> open(bare))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("lacks " + AgentClassLoader.PACKED)
        .hasMessageContaining("download it again");

    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(AgentClassLoader.PACKED, new byte[] {0x54, 0x47, 0x41, 0x02});
    Path compressed = jar("compressed.jar", entries);
    assertThatThrownBy(() -> open(compressed))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(AgentClassLoader.PACKED + " is compressed");
  }

  @Test
  void refusesAPackedEntryTooShortForItsIndexOrNotToolguards() throws Exception {
    Path other = storedPacked("other.jar", new byte[] {1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0, 1});
    assertThatThrownBy(() -> open(other))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not toolguard's");
    Path cut = storedPacked("cut.jar", new byte[] {0x54, 0x47, 0x41, 0x02, 0, 0, 0, 2, 0, 0, 0, 9});
    assertThatThrownBy(() -> open(cut))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("says it holds 2 classes");
  }

  @Test
  void refusesARecordThatPointsOutsideTheEntryOrAnIndexOutOfOrder() throws Exception {
    String other = "io/toolguard/agent/fixture/Other";
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ANSWER + ".class", answering(ANSWER, "a"));
    entries.put(other + ".class", answering(other, "b"));
    byte[] packed;
    try (ZipFile jar = new ZipFile(packedJar(entries).toFile());
        InputStream in = jar.getInputStream(jar.getEntry(AgentClassLoader.PACKED))) {
      packed = in.readAllBytes();
    }
    int records = 12;
    int recordBytes = AgentClassLoader.RECORD_INTS * Integer.BYTES;

    byte[] nameOutside = packed.clone();
    putInt(nameOutside, records, 0x7fff0000);
    assertRecordNotHeld(open(storedPacked("name.jar", nameOutside)), ANSWER, "name.jar", 0);

    byte[] dataOutside = packed.clone();
    putInt(dataOutside, records + recordBytes + 3 * Integer.BYTES, 0x10000000);
    AgentClassLoader badData = open(storedPacked("data.jar", dataOutside));
    assertThat(badData.loadClass(ANSWER.replace('/', '.'))).isNotNull();
    assertRecordNotHeld(badData, other, "data.jar", 1);

    // A record whose data, lengths and CRC are zero (a zeroed page): no class file is empty.
    byte[] zeroed = packed.clone();
    for (int field = 3; field < AgentClassLoader.RECORD_INTS; field++) {
      putInt(zeroed, records + recordBytes + field * Integer.BYTES, 0);
    }
    AgentClassLoader zeroes = open(storedPacked("zeroed.jar", zeroed));
    assertRecordNotHeld(zeroes, other, "zeroed.jar", 1);
    assertThat(zeroes.getResourceAsStream(other + ".class")).isNull();
    // Data longer than its class file: the build stores such a class as it is.
    byte[] longer = packed.clone();
    putInt(
        longer,
        records + recordBytes + 4 * Integer.BYTES,
        intAt(packed, records + recordBytes + 5 * Integer.BYTES) + 1);
    assertRecordNotHeld(open(storedPacked("longer.jar", longer)), other, "longer.jar", 1);

    // The two records' names swapped: out of order, a class is not found, never another's bytes.
    byte[] swapped = packed.clone();
    System.arraycopy(packed, records, swapped, records + recordBytes, 2 * Integer.BYTES);
    System.arraycopy(packed, records + recordBytes, swapped, records, 2 * Integer.BYTES);
    AgentClassLoader unordered = open(storedPacked("order.jar", swapped));
    assertThatThrownBy(() -> unordered.loadClass(ANSWER.replace('/', '.')))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> unordered.loadClass(other.replace('/', '.')))
        .isInstanceOf(NoClassDefFoundError.class)
        .hasMessageContaining("wrong name");

    byte[] tooMany = packed.clone();
    putInt(tooMany, Integer.BYTES, 99_999);
    assertThatThrownBy(() -> open(storedPacked("count.jar", tooMany)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("says it holds 99999 classes");
  }

  /** Loading the class fails, naming the jar, the damaged record and what to do. */
  private static void assertRecordNotHeld(
      AgentClassLoader loader, String internalName, String jar, int record) {
    assertThatThrownBy(() -> loader.loadClass(internalName.replace('/', '.')))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining(jar)
        .hasMessageContaining("has a record it does not hold (" + record + ")")
        .hasMessageContaining("download it again");
  }

  private static void putInt(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 24);
    bytes[at + 1] = (byte) (value >>> 16);
    bytes[at + 2] = (byte) (value >>> 8);
    bytes[at + 3] = (byte) value;
  }

  /** What {@link #copy} writes after the copied entries. */
  private interface After {
    void write(ZipOutputStream out) throws IOException;
  }

  /**
   * {@return a copy of {@code jar}, its packed entry stored and, if {@code damage}, its last byte
   * (the last of the last class's data: its Adler-32 where deflated) changed, then what {@code
   * after} writes}
   */
  private Path copy(Path jar, String name, boolean damage, After after) throws IOException {
    Path copy = dir.resolve(name);
    try (ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
      for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        byte[] bytes;
        try (InputStream read = in.getInputStream(entry)) {
          bytes = read.readAllBytes();
        }
        boolean packed = entry.getName().equals(AgentClassLoader.PACKED);
        if (packed && damage) {
          bytes[bytes.length - 1] ^= 1;
        }
        put(out, entry.getName(), bytes, packed);
      }
      after.write(out);
    }
    return copy;
  }

  private Path storedPacked(String name, byte[] packed) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest())) {
      put(out, AgentClassLoader.PACKED, packed, true);
    }
    return jar;
  }

  private Path packedJar(Map<String, byte[]> entries) throws IOException {
    Path jar = jar("agent.jar", entries);
    AgentPacker.main(new String[] {jar.toString()});
    return jar;
  }

  private Path jar(String name, Map<String, byte[]> entries) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest())) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        put(out, entry.getKey(), entry.getValue(), false);
      }
    }
    return jar;
  }

  private static Manifest manifest() {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, "toolguard");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "9.9");
    return manifest;
  }

  private static void put(ZipOutputStream out, String name, byte[] bytes, boolean stored)
      throws IOException {
    ZipEntry entry = new ZipEntry(name);
    if (stored) {
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(bytes.length);
      entry.setCompressedSize(bytes.length);
      CRC32 crc = new CRC32();
      crc.update(bytes);
      entry.setCrc(crc.getValue());
    }
    out.putNextEntry(entry);
    out.write(bytes);
    out.closeEntry();
  }

  private static AgentClassLoader open(Path jar) throws IOException {
    URL location = jar.toUri().toURL();
    return AgentClassLoader.open(new CodeSource(location, (CodeSigner[]) null));
  }

  /** {@return a public class {@code internalName}, a {@code Supplier} of {@code answer}} */
  private static byte[] answering(String internalName, String answer) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER,
        internalName,
        null,
        "java/lang/Object",
        new String[] {"java/util/function/Supplier"});
    MethodVisitor constructor = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    constructor.visitCode();
    constructor.visitVarInsn(Opcodes.ALOAD, 0);
    constructor.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    constructor.visitInsn(Opcodes.RETURN);
    constructor.visitMaxs(0, 0);
    constructor.visitEnd();
    MethodVisitor get =
        writer.visitMethod(Opcodes.ACC_PUBLIC, "get", "()Ljava/lang/Object;", null, null);
    get.visitCode();
    get.visitLdcInsn(answer);
    get.visitInsn(Opcodes.ARETURN);
    get.visitMaxs(0, 0);
    get.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}
