package io.toolguard.agent;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Defines the package {@code io.toolguard.bootstrap} into the bootstrap class loader, whole and at
 * once, so that the JDK's woven classes can see it (see {@code Dispatcher} for why).
 *
 * <p>Why defined and not appended. {@code Instrumentation.appendToBootstrapClassLoaderSearch} would
 * be the documented way, but the JVM answers it by turning class-data sharing off for every class
 * not the bootstrap loader's ("Sharing is only supported for boot loader classes because bootstrap
 * classpath has been appended", printed at every start), which costs the application the JDK's
 * default CDS archive for its own loaders' classes, an AppCDS archive or a JDK 25 AOT cache. So the
 * agent calls {@code Unsafe.defineClass} with no loader, which is the bootstrap loader, from a
 * class that {@link BootDefiner} generates and alone may reach it. Every class of the package is
 * defined now, supertypes first: the bootstrap loader finds a class it defined, but cannot load one
 * later, as it has no path to load it from. Afterwards the classes are the bootstrap loader's, in
 * its unnamed module, as an appended jar's would be; {@code Dispatcher.install} still refuses any
 * other copy; and nothing can add a class to the package in the bootstrap loader but code holding
 * {@code Unsafe} or a lookup on the package, which tools are denied (see README, Threat model).
 * {@code Class.getPackage()} of these classes is null, as they have no location; nothing asks for
 * it.
 *
 * <p>The set is derived, not listed: every class under {@code io/toolguard/bootstrap/}, nested
 * classes and all, so that a class added to the package cannot be forgotten. The build packs them
 * into {@link #PACKED} inside the agent jar, already in the order to define them and with the
 * definer's class, since none of it depends on the JVM that runs ({@link BootstrapPacker}): the
 * start-up reads one entry, each class file straight into an array of its size, and runs no ASM.
 * Finding the classes among the agent jar's thousands of entries cost 30 to 60 ms of every start;
 * generating the definer and ordering the classes with ASM about 20 ms of CPU more. The agent jar
 * holds the package in that entry only, not as ordinary {@code .class} entries (as Mockito ships
 * its dispatcher as {@code .raw}): {@code -javaagent} puts the jar on the class path, and code that
 * names the package before toolguard defines it (the jar given on the application's class path as
 * well; an attach, which puts the jar on the class path first) would otherwise have the application
 * class loader define a second copy, which the loader's own classes, woven tool classes among them,
 * would then bind to. The benchmarks and unit tests compile against the build's classes and load
 * them from the class path. A second copy from elsewhere (the classes jar on an application's class
 * path) is caught where it would do harm: {@code Dispatcher.install} refuses any copy but the
 * bootstrap loader's, so the agent does not start. Nothing of the agent's may be loaded from this
 * package before it is defined, which is why only {@code Guards}, afterwards, refers to it.
 */
final class BootstrapJar {

  /** The package that goes into the bootstrap class loader, whole. */
  static final String PACKAGE = "io/toolguard/bootstrap/";

  /**
   * The package and the class that defines it, packed by the build ({@link BootstrapPacker}, whose
   * javadoc gives the format), among the agent's classes.
   */
  static final String PACKED = "META-INF/toolguard/bootstrap.packed";

  /** The first int of {@link #PACKED}: "TGB" and the format's number. */
  static final int MAGIC = 0x54474201;

  /** The class without which the package is no bridge at all. */
  private static final String DISPATCHER = "io.toolguard.bootstrap.Dispatcher";

  /** More than this many classes, or a class file longer, and the file is not what was packed. */
  private static final int MOST_CLASSES = 10_000;

  private static final int LONGEST_CLASS_FILE = 1 << 24;

  /** The longest packed file read: far beyond the package's 130 kB. */
  private static final int MOST_BYTES = 1 << 26;

  private BootstrapJar() {}

  /** The packed file, read (a class, not a record: it holds an array, never compared). */
  static final class Packed {
    private final byte[] definer;
    private final Map<String, byte[]> classes;

    Packed(byte[] definer, Map<String, byte[]> classes) {
      this.definer = definer;
      this.classes = classes;
    }

    /** {@return the class file of {@link BootDefiner}'s generated class} */
    byte[] definer() {
      return definer;
    }

    /** {@return the bootstrap package's class files by binary name, in the order to define them} */
    Map<String, byte[]> classes() {
      return classes;
    }
  }

  /**
   * Defines every class of the bootstrap package into the bootstrap class loader.
   *
   * @return whether this JVM writes a CDS archive or an AOT cache when it ends (a training run),
   *     which the class that defines them is the one to ask
   * @throws IOException if the agent jar cannot be read or lacks the package
   * @throws IllegalStateException if this JDK does not let the agent define them
   */
  static boolean define(Instrumentation instrumentation) throws IOException {
    Path agent = agentLocation();
    Packed packed = read(agent);
    BootDefiner.Powers powers = BootDefiner.create(instrumentation, packed.definer());
    BiFunction<String, byte[], Class<?>> definer = powers.definer();
    for (Map.Entry<String, byte[]> type : packed.classes().entrySet()) {
      Class<?> defined = definer.apply(type.getKey(), type.getValue());
      if (defined.getClassLoader() != null) {
        throw new IllegalStateException(
            type.getKey() + " was not defined by the bootstrap class loader");
      }
    }
    return powers.writingArchive().getAsBoolean();
  }

  /**
   * {@return the file {@link #PACKED} of the agent jar, or of the folder of classes (a build's, as
   * the unit tests run from), read}
   *
   * @throws IOException if it cannot be read, is not whole, or holds no {@code Dispatcher}
   */
  static Packed read(Path agent) throws IOException {
    if (Files.isDirectory(agent)) {
      Path file = agent.resolve(PACKED);
      if (!Files.isRegularFile(file)) {
        throw new IOException(agent + " lacks " + PACKED + "; build the agent again");
      }
      try (InputStream in = Files.newInputStream(file)) {
        return read(agent, in);
      }
    }
    // A ZipFile, not a JarFile: nothing of the jar's manifest or signatures is needed, and the JDK
    // shares the opened file with the application class loader, which holds the agent jar open.
    try (ZipFile jar = new ZipFile(agent.toFile())) {
      ZipEntry entry = jar.getEntry(PACKED);
      if (entry == null) {
        throw new IOException(
            agent + " lacks " + PACKED + "; the agent jar is damaged, download it again");
      }
      try (InputStream in = jar.getInputStream(entry)) {
        return read(agent, in);
      }
    }
  }

  /**
   * {@return the packed file {@code in} reads, each class file straight into an array of its size}
   */
  static Packed read(Path agent, InputStream in) throws IOException {
    // Read whole first: the many small reads below would each inflate afresh from the jar.
    byte[] whole = in.readNBytes(MOST_BYTES + 1);
    if (whole.length > MOST_BYTES) {
      throw damaged(agent, "it is longer than " + MOST_BYTES + " bytes");
    }
    DataInputStream data = new DataInputStream(new ByteArrayInputStream(whole));
    try {
      if (data.readInt() != MAGIC) {
        throw damaged(agent, "it is not toolguard's");
      }
      byte[] definer = classFile(agent, data, "the class that defines them");
      int count = data.readInt();
      if (count < 1 || count > MOST_CLASSES) {
        throw damaged(agent, "it says it holds " + count + " classes");
      }
      Map<String, byte[]> classes = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = data.readUTF();
        classes.put(name, classFile(agent, data, name));
      }
      if (data.read() >= 0) {
        throw damaged(agent, "it goes on after its last class");
      }
      if (!classes.containsKey(DISPATCHER)) {
        throw damaged(agent, "it lacks " + DISPATCHER);
      }
      return new Packed(definer, classes);
    } catch (EOFException cut) {
      throw damaged(agent, "it is cut short");
    }
  }

  private static byte[] classFile(Path agent, DataInputStream data, String name)
      throws IOException {
    int length = data.readInt();
    int crc = data.readInt();
    if (length < 0 || length > LONGEST_CLASS_FILE) {
      throw damaged(agent, "it gives " + name + " " + length + " bytes");
    }
    byte[] classFile = new byte[length];
    data.readFully(classFile);
    CRC32 check = new CRC32();
    check.update(classFile);
    if ((int) check.getValue() != crc) {
      throw damaged(agent, name + " is not as it was packed");
    }
    return classFile;
  }

  private static IOException damaged(Path agent, String why) {
    return new IOException(
        agent
            + ": toolguard's packed bootstrap classes ("
            + PACKED
            + ") cannot be used, "
            + why
            + "; the agent jar is damaged, download it again");
  }

  /** {@return the agent jar, or the folder of classes, this class was loaded from} */
  static Path agentLocation() throws IOException {
    CodeSource source = BootstrapJar.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IOException(
          "toolguard cannot tell which jar it was loaded from, so it cannot define its bootstrap "
              + "classes; give it as -javaagent:toolguard-agent.jar");
    }
    try {
      return Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException notAFile) {
      throw new IOException(
          "toolguard was loaded from "
              + source.getLocation()
              + ", which is not a local file; "
              + "give it as -javaagent:toolguard-agent.jar",
          notAFile);
    }
  }
}
