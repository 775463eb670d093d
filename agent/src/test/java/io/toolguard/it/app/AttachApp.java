package io.toolguard.it.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A JVM for the attach tests: {@code AttachApp MARKERS} calls its tools (loading their class),
 * writes its process id to {@code pid}, waits for a file {@code go}, and calls them again.
 */
public final class AttachApp {

  private AttachApp() {}

  public static void main(String[] args) throws Exception {
    GuardedTools tools = new GuardedTools(Path.of(args[0]));
    callAll(tools, "before");
    Path pid = Path.of("pid");
    Files.writeString(Path.of("pid.tmp"), Long.toString(ProcessHandle.current().pid()));
    Files.move(Path.of("pid.tmp"), pid, StandardCopyOption.ATOMIC_MOVE);
    long deadline = System.nanoTime() + 50_000_000_000L;
    while (!Files.exists(Path.of("go")) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    callAll(tools, "after");
  }

  private static void callAll(GuardedTools tools, String phase) {
    ToolApp.call(phase + " lookup", () -> tools.lookup("k"));
    ToolApp.call(phase + " wipe", () -> tools.wipe("/"));
    ToolApp.call(phase + " rename", () -> tools.rename("a", "b"));
  }
}
