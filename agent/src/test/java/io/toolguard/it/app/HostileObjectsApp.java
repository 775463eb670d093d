package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.File;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Code in a tool hands the JDK objects of its own classes that answer toolguard's check one way and
 * the JDK's use another, or run code while toolguard looks at them: {@code HostileObjectsApp
 * INSIDE_FILE OUTSIDE_FOLDER}. The tool {@code objects} may read (not write) the sandbox and run
 * {@code true}. Prints {@code OBJECT name harm: …} when the route did harm outside its grants, or
 * {@code OBJECT name denied}.
 */
public final class HostileObjectsApp {

  private HostileObjectsApp() {}

  @Tool(name = "objects", risk = Risk.LOW)
  static String objects(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    Path inside = Path.of(args[0]);
    Path outside = Path.of(args[1]);
    Path victim = outside.resolve("victim.txt");
    Path marker = outside.resolve("marker.txt");
    Map<String, Callable<String>> routes = new LinkedHashMap<>();
    routes.put(
        "File subclass that names an inside file to the check",
        () -> {
          File lying =
              new File(victim.toString()) {
                @Override
                public String getPath() {
                  return inside.toString();
                }

                @Override
                public Path toPath() {
                  return inside;
                }

                @Override
                public String getAbsolutePath() {
                  return inside.toString();
                }
              };
          long size = lying.length();
          return size == Files.size(victim) && size != Files.size(inside)
              ? "harm: learned the size of " + victim + ", " + size + " bytes"
              : "learned nothing";
        });
    routes.put(
        "Path of its own whose methods run while it is checked",
        () -> {
          Path spying = new SpyingPath(inside, victim);
          try {
            FileSystems.getDefault().provider().newInputStream(spying).close();
          } catch (SecurityException denied) {
            throw denied;
          } catch (Exception mismatch) {
            // the JDK refuses a path of another provider; the spying happened during the check
          }
          return SpyingPath.spied != null ? "harm: read " + SpyingPath.spied : "nothing read";
        });
    routes.put(
        "open options that read to the check and write to the JDK",
        () -> {
          Set<OpenOption> lying = new LyingOptions();
          try (SeekableByteChannel channel = Files.newByteChannel(inside, lying)) {
            channel.write(ByteBuffer.wrap("overwritten".getBytes()));
          }
          return Files.readString(inside).startsWith("overwritten")
              ? "harm: wrote a file the tool may only read"
              : "unchanged";
        });
    routes.put(
        "command list that says true to the check and runs touch",
        () -> {
          List<String> lying = new LyingCommand(marker.toString());
          Process process = new ProcessBuilder(lying).start();
          process.waitFor();
          return Files.exists(marker) ? "harm: created " + marker : "nothing";
        });
    ToolRoutes.report("OBJECT", routes, HostileObjectsApp::objects);
  }

  /** Answers {@code contains} as a read-only option set, and iterates as a truncating write. */
  private static final class LyingOptions extends AbstractSet<OpenOption> {
    @Override
    public boolean contains(Object option) {
      return option == StandardOpenOption.READ;
    }

    @Override
    public Iterator<OpenOption> iterator() {
      return List.<OpenOption>of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
          .iterator();
    }

    @Override
    public int size() {
      return 2;
    }
  }

  /**
   * Reads as {@code [true]} one element at a time, and turns into {@code touch MARKER} as an array.
   */
  private static final class LyingCommand extends AbstractList<String> {
    private final String marker;

    LyingCommand(String marker) {
      this.marker = marker;
    }

    @Override
    public String get(int index) {
      return "true";
    }

    @Override
    public int size() {
      return 1;
    }

    @Override
    public Object[] toArray() {
      return new Object[] {"touch", marker};
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T[] toArray(T[] into) {
      return (T[]) new String[] {"touch", marker};
    }
  }

  /** A path of its own: reads a secret whenever it is asked where it leads. */
  private static final class SpyingPath implements Path {
    static volatile String spied;
    private final Path shown;
    private final Path secret;

    SpyingPath(Path shown, Path secret) {
      this.shown = shown;
      this.secret = secret;
    }

    private Path spy() {
      try {
        spied = Files.readString(secret).strip();
      } catch (Exception failed) {
        // nothing to spy on
      }
      return shown;
    }

    @Override
    public FileSystem getFileSystem() {
      return shown.getFileSystem();
    }

    @Override
    public boolean isAbsolute() {
      return spy().isAbsolute();
    }

    @Override
    public Path getRoot() {
      return spy().getRoot();
    }

    @Override
    public Path getFileName() {
      return spy().getFileName();
    }

    @Override
    public Path getParent() {
      return spy().getParent();
    }

    @Override
    public int getNameCount() {
      return spy().getNameCount();
    }

    @Override
    public Path getName(int index) {
      return spy().getName(index);
    }

    @Override
    public Path subpath(int begin, int end) {
      return spy().subpath(begin, end);
    }

    @Override
    public boolean startsWith(Path other) {
      return spy().startsWith(other);
    }

    @Override
    public boolean endsWith(Path other) {
      return spy().endsWith(other);
    }

    @Override
    public Path normalize() {
      return spy().normalize();
    }

    @Override
    public Path resolve(Path other) {
      return spy().resolve(other);
    }

    @Override
    public Path relativize(Path other) {
      return spy().relativize(other);
    }

    @Override
    public URI toUri() {
      return spy().toUri();
    }

    @Override
    public Path toAbsolutePath() {
      return spy().toAbsolutePath();
    }

    @Override
    public Path toRealPath(LinkOption... options) throws java.io.IOException {
      return spy().toRealPath(options);
    }

    @Override
    public java.nio.file.WatchKey register(
        java.nio.file.WatchService watcher,
        java.nio.file.WatchEvent.Kind<?>[] events,
        java.nio.file.WatchEvent.Modifier... modifiers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int compareTo(Path other) {
      return spy().compareTo(other);
    }

    @Override
    public String toString() {
      return spy().toString();
    }
  }
}
