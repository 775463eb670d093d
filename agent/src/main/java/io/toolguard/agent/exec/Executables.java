package io.toolguard.agent.exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a command's name leads, as the process start would find it: a pure lookup, shared by the
 * runtime guard and by the CLI's {@code explain} and {@code test}, which decide commands as the
 * agent would without starting anything.
 */
public final class Executables {

  private Executables() {}

  /**
   * The file that would run: a path against the process's folder, a bare name on the JVM's PATH.
   */
  public static Optional<Path> find(String name, Path directory) {
    try {
      if (name.contains("/")) {
        return Optional.of(directory.resolve(name).toRealPath());
      }
      for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
        Path candidate = Path.of(folder.isEmpty() ? "." : folder).resolve(name);
        if (!name.isEmpty() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate.toRealPath());
        }
      }
    } catch (IOException | RuntimeException notFound) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
