package io.toolguard.agent;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;

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
 * into {@link #PACKED} inside the agent jar (run from a build's classes, the folder is read):
 * finding them among the agent jar's thousands of entries cost 30 to 60 ms of every start. The
 * bootstrap classes stay ordinary {@code .class} entries of the agent jar as well: the benchmarks
 * and the unit tests compile against them and load them from the class path, and the mistake that
 * guards against elsewhere (Mockito ships its dispatcher as {@code .raw}), another loader defining
 * a second copy first, is caught where it would do harm instead: {@code Dispatcher.install} refuses
 * any copy but the bootstrap loader's, so the agent does not start. Nothing else may be loaded from
 * this package before it is defined, which is why only {@code Guards.install}, afterwards, refers
 * to it.
 */
final class BootstrapJar {

  /** The package that goes into the bootstrap class loader, whole. */
  static final String PACKAGE = "io/toolguard/bootstrap/";

  /** The package, packed into a jar of its own by the build, inside the agent jar. */
  static final String PACKED = "META-INF/toolguard/toolguard-agent-bootstrap.jar";

  /** The class without which the package is no bridge at all. */
  private static final String DISPATCHER = PACKAGE + "Dispatcher.class";

  private BootstrapJar() {}

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
    Map<String, byte[]> entries = entries(agent);
    BootDefiner.Powers powers = BootDefiner.create(instrumentation);
    BiFunction<String, byte[], Class<?>> definer = powers.definer();
    for (Map.Entry<String, byte[]> type : inDefinitionOrder(entries).entrySet()) {
      Class<?> defined = definer.apply(type.getKey(), type.getValue());
      if (defined.getClassLoader() != null) {
        throw new IllegalStateException(
            type.getKey() + " was not defined by the bootstrap class loader");
      }
    }
    return powers.writingArchive().getAsBoolean();
  }

  /**
   * {@return the classes of {@code entries} by binary name, each after its super class and
   * interfaces of the same package, which the bootstrap loader must already hold to define it}
   */
  static Map<String, byte[]> inDefinitionOrder(Map<String, byte[]> entries) {
    Map<String, byte[]> byName = new TreeMap<>();
    Map<String, List<String>> supertypes = new TreeMap<>();
    for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
      String file = entry.getKey();
      if (!file.endsWith(".class")) {
        continue;
      }
      String internalName = file.substring(0, file.length() - ".class".length());
      ClassReader reader = new ClassReader(entry.getValue());
      List<String> mine = new ArrayList<>();
      if (reader.getSuperName() != null) {
        mine.add(reader.getSuperName());
      }
      mine.addAll(List.of(reader.getInterfaces()));
      byName.put(internalName, entry.getValue());
      supertypes.put(internalName, mine);
    }
    Map<String, byte[]> ordered = new LinkedHashMap<>();
    for (String name : byName.keySet()) {
      addAfterSupertypes(name, byName, supertypes, ordered, new ArrayList<>());
    }
    return ordered;
  }

  private static void addAfterSupertypes(
      String internalName,
      Map<String, byte[]> byName,
      Map<String, List<String>> supertypes,
      Map<String, byte[]> ordered,
      List<String> path) {
    String binaryName = internalName.replace('/', '.');
    if (ordered.containsKey(binaryName) || !byName.containsKey(internalName)) {
      return;
    }
    if (path.contains(internalName)) {
      throw new IllegalStateException("the bootstrap classes inherit in a circle: " + path);
    }
    path.add(internalName);
    for (String supertype : supertypes.get(internalName)) {
      addAfterSupertypes(supertype, byName, supertypes, ordered, path);
    }
    path.remove(path.size() - 1);
    ordered.put(binaryName, byName.get(internalName));
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

  /**
   * {@return every file under {@link #PACKAGE} by entry name, with its content: from the agent jar,
   * those of the jar the build packed ({@link #PACKED}); from a folder of classes, every file of
   * the package}
   *
   * @throws IOException if it cannot be read, or holds no {@code Dispatcher}
   */
  static Map<String, byte[]> entries(Path agent) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    if (Files.isDirectory(agent)) {
      Path folder = agent.resolve(PACKAGE);
      if (Files.isDirectory(folder)) {
        try (Stream<Path> files = Files.walk(folder)) {
          for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
            entries.put(
                PACKAGE
                    + folder
                        .relativize(file)
                        .toString()
                        .replace(file.getFileSystem().getSeparator(), "/"),
                Files.readAllBytes(file));
          }
        }
      }
    } else {
      try (JarFile jar = new JarFile(agent.toFile())) {
        JarEntry packed = jar.getJarEntry(PACKED);
        if (packed == null) {
          throw new IOException(
              agent + " lacks " + PACKED + "; the agent jar is damaged, download it again");
        }
        try (JarInputStream in = new JarInputStream(jar.getInputStream(packed))) {
          for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
            if (!entry.isDirectory() && entry.getName().startsWith(PACKAGE)) {
              entries.put(entry.getName(), content(in, entry));
            }
          }
        }
      }
    }
    if (!entries.containsKey(DISPATCHER)) {
      throw new IOException(
          agent + " lacks " + DISPATCHER + "; the agent jar is damaged, download it again");
    }
    return entries;
  }

  /**
   * {@return the content of the entry {@code in} is at}: into an array of its size when the jar
   * says it (the build's does), instead of growing 8 KiB buffers and copying them for each of the
   * package's classes
   *
   * @throws IOException if the entry is shorter than the jar says (the stream itself refuses one
   *     longer, or one whose checksum differs, when it moves on)
   */
  private static byte[] content(JarInputStream in, JarEntry entry) throws IOException {
    long size = entry.getSize();
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      return in.readAllBytes();
    }
    byte[] content = in.readNBytes((int) size);
    if (content.length != size) {
      throw new IOException(
          entry.getName() + " is cut short; the agent jar is damaged, download it again");
    }
    return content;
  }
}
