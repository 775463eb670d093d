package io.toolguard.it.app;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs each route of a test application inside one of its tools and prints {@code PREFIX name
 * outcome}: what the route returned, {@code denied} for a denial (also one the JDK wrapped in
 * another exception), or {@code failed …}.
 */
final class ToolRoutes {

  /** A tool method of the application, which runs the work it is given. */
  @FunctionalInterface
  interface Tool {
    String run(Callable<String> work) throws Exception;
  }

  private ToolRoutes() {}

  static void report(String prefix, Map<String, Callable<String>> routes, Tool tool) {
    for (Map.Entry<String, Callable<String>> route : routes.entrySet()) {
      String outcome;
      try {
        outcome = tool.run(route.getValue());
      } catch (Exception failed) {
        outcome = denied(failed) ? "denied" : "failed " + failed;
      }
      System.out.println(prefix + " " + route.getKey() + " " + outcome);
    }
  }

  private static boolean denied(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SecurityException) {
        return true;
      }
    }
    return false;
  }
}
