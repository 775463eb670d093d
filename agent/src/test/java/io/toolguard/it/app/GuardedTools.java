package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tools for the integration tests; each leaves a marker file when its body runs. */
public final class GuardedTools {

  private final Path markers;

  public GuardedTools(Path markers) {
    this.markers = markers;
  }

  @Tool(name = "lookup", risk = Risk.LOW)
  public String lookup(String key) throws IOException {
    return mark("lookup");
  }

  @Tool(name = "wipe", risk = Risk.LOW)
  public String wipe(String target) throws IOException {
    return mark("wipe");
  }

  @Tool(risk = Risk.MEDIUM)
  public String rename(String from, String to) throws IOException {
    return mark("rename");
  }

  @Tool(name = "transfer", risk = Risk.HIGH)
  public String transfer(long cents) throws IOException {
    return mark("transfer");
  }

  @Tool(name = "unlisted", risk = Risk.LOW)
  public String unlisted() throws IOException {
    return mark("unlisted");
  }

  /** Guarded although private and static. */
  @Tool(name = "hidden_helper", risk = Risk.LOW)
  private static String hiddenHelper(Path markers) throws IOException {
    Files.createDirectories(markers);
    Files.writeString(markers.resolve("hidden_helper"), "ran");
    return "hidden_helper ran";
  }

  public String callHiddenHelper() throws IOException {
    return hiddenHelper(markers);
  }

  @Tool(name = "outer", risk = Risk.LOW)
  public String outer() throws IOException {
    mark("outer");
    return "outer ran; inner said: " + lookup("nested");
  }

  @Tool(name = "failing", risk = Risk.LOW)
  public String failing() {
    throw new IllegalStateException("the tool itself failed");
  }

  /** Calls itself down to depth 0, each level leaving a marker; long and double in its frame. */
  @Tool(name = "countdown", risk = Risk.LOW)
  public String countdown(int depth, long seed, double weight) throws IOException {
    mark("countdown-" + depth);
    return depth == 0 ? "0" : depth + "," + countdown(depth - 1, seed + 1, weight * 2);
  }

  /**
   * Writes a file it has no grant for, twice, catching every {@code Throwable} its body throws:
   * after the first denial is caught, the second write must still be decided as this tool's.
   */
  @Tool(name = "swallow", risk = Risk.LOW)
  public String swallow(String outside) {
    StringBuilder result = new StringBuilder();
    for (int i = 0; i < 2; i++) {
      try {
        Files.writeString(Path.of(outside), "written by the tool " + i);
        result.append("written;");
      } catch (Throwable thrown) {
        result.append("caught ").append(thrown.getClass().getSimpleName()).append(';');
      }
    }
    return result.toString();
  }

  private String mark(String tool) throws IOException {
    Files.createDirectories(markers);
    Files.writeString(markers.resolve(tool), "ran");
    return tool + " ran";
  }
}
