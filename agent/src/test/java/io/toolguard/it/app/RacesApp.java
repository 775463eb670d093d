package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Code in a tool races toolguard: another of its threads keeps changing a JDK collection it handed
 * the JDK, between what toolguard checks and what the JDK uses: {@code RacesApp INSIDE_FILE
 * MARKER}. The tool {@code race} may read (not write) the sandbox and run {@code true}. For each
 * race it tries {@value #TRIES} times; prints {@code RACE name harm: …} if the JDK ever did what
 * was not granted, or {@code RACE name held}.
 */
public final class RacesApp {

  private static final int TRIES = 3_000;

  private RacesApp() {}

  @Tool(name = "race", risk = Risk.LOW)
  static String race(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    Path inside = Path.of(args[0]);
    Path marker = Path.of(args[1]);
    Map<String, Callable<String>> races = new LinkedHashMap<>();
    races.put(
        "open options flipped from read to write",
        () -> {
          Set<OpenOption> options = ConcurrentHashMap.newKeySet();
          options.add(StandardOpenOption.READ);
          return flipping(
              () -> {
                if (options.remove(StandardOpenOption.READ)) {
                  options.add(StandardOpenOption.WRITE);
                } else {
                  options.remove(StandardOpenOption.WRITE);
                  options.add(StandardOpenOption.READ);
                }
              },
              () -> {
                try (FileChannel channel = FileChannel.open(inside, options)) {
                  channel.write(ByteBuffer.wrap("raced".getBytes()));
                  return "harm: wrote " + inside;
                } catch (SecurityException | java.nio.channels.NonWritableChannelException held) {
                  return null;
                }
              });
        });
    races.put(
        "command flipped from true to touch",
        () -> {
          List<String> command = new CopyOnWriteArrayList<>(List.of("true"));
          ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of("true")));
          return flipping(
              () -> {
                if (command.get(0).equals("true")) {
                  command.set(0, "touch");
                  command.add(marker.toString());
                } else {
                  command.remove(1);
                  command.set(0, "true");
                }
                builder.command(command);
              },
              () -> {
                try {
                  builder.start().waitFor();
                } catch (java.io.IOException | RuntimeException refused) {
                  if (!deniedOrTorn(refused)) {
                    throw refused;
                  }
                  return null;
                }
                // whether touch ran is seen outside the tool, which may not look there
                return null;
              });
        });
    ToolRoutes.report("RACE", races, RacesApp::race);
    System.out.println("MARKER " + (Files.exists(marker) ? "harm: touch ran" : "absent"));
  }

  /**
   * Whether toolguard denied the start, or the JDK refused the list it copied mid-change (empty, or
   * with a hole).
   */
  private static boolean deniedOrTorn(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SecurityException
          || cause instanceof IndexOutOfBoundsException
          || cause instanceof NullPointerException) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code attempt} until it does harm, while another thread keeps running {@code flip}. */
  private static String flipping(Runnable flip, Callable<String> attempt) throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    Thread flipper =
        new Thread(
            () -> {
              while (!done.get()) {
                flip.run();
              }
            });
    flipper.start();
    try {
      for (int i = 0; i < TRIES; i++) {
        String harm = attempt.call();
        if (harm != null) {
          return harm;
        }
      }
      return "held";
    } finally {
      done.set(true);
      flipper.join();
    }
  }
}
