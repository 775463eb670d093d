package io.toolguard.agent.file;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Files every tool may read: the JDK's own installation and the random devices. The JDK reads them
 * on a tool's behalf (time-zone data, security, network and XML configuration, seeds for {@code
 * SecureRandom}), and they hold nothing of the application's. Nothing here may be written or
 * deleted. The class path is not among them: {@code -cp .} would open the working folder to every
 * tool; class loaders reading it are recognised by {@link OwnBehalfCallers} instead.
 */
final class SharedReadOnlyFiles {

  /**
   * The roots of this JVM, resolved when first asked for: the walk of the JDK's folders cost about
   * 25 ms of every start-up, and only a read the grants refuse asks (the JVM initialises the holder
   * once, on whichever thread asks first).
   */
  private static final class ThisJvm {
    static final List<Path> ROOTS = roots();
  }

  private SharedReadOnlyFiles() {}

  /** The roots of this JVM, resolved at the first read a tool's grants do not allow. */
  static SharedReadOnlyFiles ofThisJvm() {
    return new SharedReadOnlyFiles();
  }

  private static List<Path> roots() {
    List<Path> roots = new ArrayList<>();
    Path javaHome = Path.of(System.getProperty("java.home"));
    addReal(javaHome.toString(), roots);
    // Distributions link parts of the JDK elsewhere (Debian: conf/ to /etc/java-17-openjdk,
    // lib/security/cacerts to /etc/ssl/certs/java/cacerts); those targets are the JDK's files too.
    // Only conf/ and lib/ hold what the JDK reads at run time.
    for (String folder : List.of("conf", "lib")) {
      addLinkTargets(javaHome.resolve(folder), roots);
    }
    // The system's fonts, which the JDK's font manager finds through fontconfig and reads when a
    // tool first draws text: public files that every program on the machine reads.
    addReal("/usr/share/fonts", roots);
    addReal("/usr/local/share/fonts", roots);
    addReal("/dev/random", roots);
    addReal("/dev/urandom", roots);
    return List.copyOf(roots);
  }

  /**
   * Adds the real path of every symbolic link at or under {@code file}, as {@code Files.walk} finds
   * them (links not followed); a file or folder that cannot be read adds nothing. By hand: the
   * walk's streams and lambdas cost about 10 ms of a tool's first denied read.
   */
  static void addLinkTargets(Path file, List<Path> roots) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException unreadable) {
      return;
    }
    if (attributes.isSymbolicLink()) {
      addReal(file.toString(), roots);
    } else if (attributes.isDirectory()) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(file)) {
        for (Path entry : entries) {
          addLinkTargets(entry, roots);
        }
      } catch (IOException | DirectoryIteratorException unreadable) {
        // a JDK folder that cannot be read has no links to add
      }
    }
  }

  /** Adds the real path of {@code path}, if it exists (plain code: a lambda costs a class). */
  private static void addReal(String path, List<Path> roots) {
    Optional<Path> real = real(path);
    if (real.isPresent()) {
      roots.add(real.get());
    }
  }

  private static Optional<Path> real(String path) {
    try {
      return Optional.of(Path.of(path).toRealPath());
    } catch (IOException | InvalidPathException missing) {
      return Optional.empty();
    }
  }

  /** {@return whether reading or probing this real path is allowed to every tool} */
  boolean contains(Path real) {
    for (Path root : ThisJvm.ROOTS) {
      if (real.startsWith(root)) {
        return true;
      }
    }
    return false;
  }
}
