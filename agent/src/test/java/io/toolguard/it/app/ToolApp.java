package io.toolguard.it.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The application the integration tests run in a child JVM. {@code ToolApp MARKERS SCENARIO} prints
 * one line per tool call: {@code NAME: ran} or {@code NAME: denied: MESSAGE}.
 */
public final class ToolApp {

  private ToolApp() {}

  public static void main(String[] args) throws Exception {
    GuardedTools tools = new GuardedTools(Path.of(args[0]));
    switch (args[1]) {
      case "all" -> {
        call("lookup", () -> tools.lookup("k"));
        call("wipe", () -> tools.wipe("/"));
        call("rename", () -> tools.rename("a", "b"));
        call("transfer", () -> tools.transfer(100));
        call("unlisted", tools::unlisted);
        call("hidden_helper", tools::callHiddenHelper);
        call("outer", tools::outer);
        call("failing", tools::failing);
        call("lookup", () -> tools.lookup("after failure"));
      }
      case "exit-right-after-call" -> {
        call("lookup", () -> tools.lookup("k"));
        call("wipe", () -> tools.wipe("/"));
        System.exit(3);
      }
      case "inherited" -> {
        Filing clerk = new ShreddingClerk(Path.of(args[0]));
        call("file_report", () -> clerk.file("q3"));
        call("shred", () -> clerk.shred("q3"), true);
        call("burn", () -> clerk.burn("q3"));
      }
      case "custom" -> {
        CustomTools custom = new CustomTools();
        call("archive", custom::archive);
        call("summarise", custom::summarise);
      }
      case "briefings" -> {
        Briefings briefings = new Briefings();
        call("brief", briefings::brief);
        call("digest", briefings::digest);
        call("recap", briefings::recap);
      }
      case "shapes" -> {
        call("countdown", () -> tools.countdown(2, 7L, 0.5), true);
        call("swallow", () -> tools.swallow(args[2]), true);
        // Outside any tool again: the application's own write is its own.
        Files.writeString(Path.of(args[2]), "written by the application");
        System.out.println("application: " + Files.readString(Path.of(args[2])));
      }
      case "concurrent" -> concurrent(tools, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "until-allowed" -> untilAllowed(tools);
      case "hammer" -> hammer(tools, Integer.parseInt(args[2]), Long.parseLong(args[3]));
      default -> throw new IllegalArgumentException(args[1]);
    }
  }

  static void call(String name, Callable<String> tool) {
    call(name, tool, false);
  }

  /** Prints {@code NAME: ran} (with what the tool returned, if asked), or why it did not. */
  static void call(String name, Callable<String> tool, boolean showResult) {
    try {
      String result = tool.call();
      System.out.println(name + ": ran" + (showResult ? ": " + result : ""));
    } catch (SecurityException denied) {
      System.out.println(name + ": denied: " + denied.getMessage());
    } catch (Exception failed) {
      System.out.println(name + ": failed: " + failed.getMessage());
    }
  }

  private static void concurrent(GuardedTools tools, int threads, int callsPerThread)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<int[]>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(
          pool.submit(
              () -> {
                int[] counts = new int[2];
                for (int i = 0; i < callsPerThread; i++) {
                  try {
                    tools.lookup("k" + i);
                    counts[0]++;
                  } catch (SecurityException denied) {
                    throw new AssertionError("lookup must be allowed", denied);
                  }
                  try {
                    tools.wipe("w" + i);
                    throw new AssertionError("wipe must be denied");
                  } catch (SecurityException denied) {
                    counts[1]++;
                  }
                }
                return counts;
              }));
    }
    int ran = 0;
    int denied = 0;
    for (Future<int[]> result : results) {
      ran += result.get()[0];
      denied += result.get()[1];
    }
    pool.shutdown();
    System.out.println("concurrent: ran " + ran + ", denied " + denied);
  }

  /** Calls wipe every 50 ms until the policy lets it run. */
  private static void untilAllowed(GuardedTools tools) throws Exception {
    for (int denials = 0; denials < 600; denials++) {
      try {
        tools.wipe("w");
        System.out.println("wipe: ran after " + denials + " denials");
        return;
      } catch (SecurityException denied) {
        Thread.sleep(50);
      }
    }
    System.out.println("wipe: never allowed");
  }

  /**
   * Calls wipe from several threads as fast as they can for a while, counting what ran and what was
   * denied.
   */
  private static void hammer(GuardedTools tools, int threads, long millis) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<long[]>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(
          pool.submit(
              () -> {
                long[] counts = new long[2];
                while (System.nanoTime() < deadline) {
                  try {
                    tools.wipe("w");
                    counts[0]++;
                  } catch (SecurityException denied) {
                    counts[1]++;
                  }
                }
                return counts;
              }));
    }
    long ran = 0;
    long denied = 0;
    for (Future<long[]> result : results) {
      ran += result.get()[0];
      denied += result.get()[1];
    }
    pool.shutdown();
    System.out.println("hammer: ran " + ran + ", denied " + denied);
  }
}
