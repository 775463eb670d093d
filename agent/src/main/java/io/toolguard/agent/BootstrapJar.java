package io.toolguard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Puts the package {@code io.toolguard.bootstrap} on the bootstrap class path: copies it out of the
 * agent jar into a private temporary jar and appends that, so that only it (and not the shaded
 * libraries) becomes visible to every class loader. See {@code Dispatcher} for why.
 *
 * <p>The set is derived, not listed: every entry under {@code io/toolguard/bootstrap/}, nested
 * classes and all, so that a class added to the package cannot be forgotten. The build packs them
 * into {@link #PACKED} inside the agent jar (run from a build's classes, the folder is read). The
 * bootstrap classes stay ordinary {@code .class} entries of the agent jar rather than resources
 * under another name (Mockito ships its dispatcher as {@code .raw} so that no other loader can
 * define it): the benchmarks and the unit tests compile against them and load them from the class
 * path, and the mistake that approach guards against, another loader defining a second copy first,
 * is caught where it would do harm instead: {@code Dispatcher.install} refuses any copy but the
 * bootstrap loader's, so the agent does not start. Nothing else may be loaded from this package
 * before the jar is appended, which is why only {@code Guards.install}, afterwards, refers to it.
 */
final class BootstrapJar {

  /** The package that goes onto the bootstrap class path, whole. */
  static final String PACKAGE = "io/toolguard/bootstrap/";

  /** The package, packed into a jar of its own by the build, inside the agent jar. */
  static final String PACKED = "META-INF/toolguard/toolguard-agent-bootstrap.jar";

  /** The class without which the package is no bridge at all. */
  private static final String DISPATCHER = PACKAGE + "Dispatcher.class";

  private BootstrapJar() {}

  static void appendTo(Instrumentation instrumentation) throws IOException {
    Path bootJar = Files.createTempFile("toolguard-bootstrap-", ".jar");
    bootJar.toFile().deleteOnExit();
    writeBootJar(agentLocation(), bootJar);
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootJar.toFile()));
  }

  /**
   * Writes the jar to append for {@code agent} to {@code target}: from the agent jar, the one the
   * build packed ({@link #PACKED}; finding the package's entries among the agent jar's thousands
   * cost 30 to 60 ms of every start); from a folder of classes (the unit tests), every file of the
   * package.
   */
  static void writeBootJar(Path agent, Path target) throws IOException {
    if (Files.isDirectory(agent)) {
      write(entries(agent), target);
      return;
    }
    try (JarFile jar = new JarFile(agent.toFile())) {
      JarEntry packed = jar.getJarEntry(PACKED);
      if (packed == null) {
        throw new IOException(
            agent + " lacks " + PACKED + "; the agent jar is damaged, download it again");
      }
      try (InputStream in = jar.getInputStream(packed)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** {@return the agent jar, or the folder of classes, this class was loaded from} */
  static Path agentLocation() throws IOException {
    CodeSource source = BootstrapJar.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IOException(
          "toolguard cannot tell which jar it was loaded from, so it cannot put its bootstrap "
              + "classes on the bootstrap class path; give it as -javaagent:toolguard-agent.jar");
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
   * {@return every file under {@link #PACKAGE} in {@code agent} (a jar or a folder of classes), by
   * entry name, with its content}
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
        for (Enumeration<JarEntry> all = jar.entries(); all.hasMoreElements(); ) {
          JarEntry entry = all.nextElement();
          if (!entry.isDirectory() && entry.getName().startsWith(PACKAGE)) {
            try (InputStream in = jar.getInputStream(entry)) {
              entries.put(entry.getName(), in.readAllBytes());
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

  /** Writes {@code entries} as the jar {@code target}. */
  static void write(Map<String, byte[]> entries, Path target) throws IOException {
    try (OutputStream out = Files.newOutputStream(target);
        JarOutputStream jar = new JarOutputStream(out)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        jar.putNextEntry(new JarEntry(entry.getKey()));
        jar.write(entry.getValue());
        jar.closeEntry();
      }
    }
  }
}
