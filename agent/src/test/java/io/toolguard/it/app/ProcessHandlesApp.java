package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Code in a tool reaches processes through {@code ProcessHandle}: {@code ProcessHandlesApp PID},
 * run with {@code -Dtoolguard.secret=…}, where PID is a process this JVM did not start. Prints
 * {@code PROCESS name harm: …} or {@code PROCESS name denied} (for this JVM, a process it did not
 * start, and one the application started outside tools), and {@code PROCESS name ok} for the tool's
 * own child, which it may end.
 */
public final class ProcessHandlesApp {

  private ProcessHandlesApp() {}

  @Tool(name = "processes", risk = Risk.LOW)
  static String processes(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    long stranger = Long.parseLong(args[0]);
    String secret = System.getProperty("toolguard.secret");
    Map<String, Callable<String>> routes = new LinkedHashMap<>();
    routes.put(
        "this JVM's command line",
        () -> {
          String[] arguments = ProcessHandle.current().info().arguments().orElse(new String[0]);
          return String.join(" ", arguments).contains(secret)
              ? "harm: read the secret on the command line"
              : "nothing";
        });
    routes.put(
        "ending a process this JVM did not start",
        () -> {
          ProcessHandle process = ProcessHandle.of(stranger).orElseThrow();
          process.destroyForcibly();
          process.onExit().get(10, TimeUnit.SECONDS);
          return process.isAlive() ? "alive" : "harm: ended process " + stranger;
        });
    Process applications = new ProcessBuilder("sleep", "30").start();
    routes.put(
        "ending a process the application started",
        () -> {
          applications.toHandle().destroyForcibly();
          applications.waitFor(10, TimeUnit.SECONDS);
          return applications.isAlive() ? "alive" : "harm: ended the application's process";
        });
    routes.put(
        "ending its own child",
        () -> {
          Process child = new ProcessBuilder("sleep", "30").start();
          child.toHandle().destroy();
          child.waitFor(10, TimeUnit.SECONDS);
          return child.isAlive() ? "alive" : "ok";
        });
    ToolRoutes.report("PROCESS", routes, ProcessHandlesApp::processes);
    applications.destroyForcibly();
  }
}
