package io.toolguard.agent.file;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class path locations tools chose: each folder or archive a {@code URLClassLoader} was given
 * while a tool ran (its constructors, {@code addURL}), as the tool named it and where it leads.
 *
 * <p>Why. A class loader, {@code ServiceLoader} and {@code ResourceBundle} reading classes and
 * resources are let through the file checks as the JDK at work on its own behalf ({@link
 * OwnBehalfCallers}), because they read locations the application configured. A loader a tool
 * creates reads locations the tool chose: there the reading is the tool's, and each file is decided
 * as the tool's own read (a link planted in a granted folder is decided where it leads). Checking
 * that the tool may read each location when the loader is created is not enough: a folder it may
 * read can hold links to files it may not.
 *
 * <p>Filled only inside tools (the file checks run nowhere else) and asked only when an access
 * would be denied. A location stays chosen for the JVM's life: the loader may be used by any later
 * tool. The application's own loaders reading such a location inside a tool are then decided as the
 * tool's reads too, which can only deny more.
 */
final class ToolClassPaths {

  private final Set<Path> chosen = ConcurrentHashMap.newKeySet();

  /** Remembers a location a tool put on a class path, as given and where it leads. */
  void add(Path asGiven, Path real) {
    chosen.add(asGiven.toAbsolutePath().normalize());
    chosen.add(real);
  }

  /**
   * {@return whether the file, as given or where it leads, lies in (or is) a location a tool put on
   * a class path}
   */
  boolean covers(Path asGiven, Path real) {
    if (chosen.isEmpty()) {
      return false;
    }
    Path given = asGiven.toAbsolutePath().normalize();
    for (Path location : chosen) {
      if (given.startsWith(location) || real.startsWith(location)) {
        return true;
      }
    }
    return false;
  }
}
