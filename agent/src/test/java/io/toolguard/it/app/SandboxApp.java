package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The application of the kernel sandbox tests: {@code SandboxApp files} starts processes inside the
 * tool {@code run} (and a few outside it) and prints {@code LABEL: ran: exit N: OUTPUT}; {@code
 * SandboxApp net PORT PORT} has a child connect to two listening ports.
 */
public final class SandboxApp {

  private SandboxApp() {}

  @Tool(name = "run", risk = Risk.LOW)
  static String run(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    Map<String, Callable<String>> inTool = new LinkedHashMap<>();
    switch (args[0]) {
      case "files" -> {
        // The first process of this JVM starts in a tool: the JDK makes its process reaper then.
        Process sleeper = inTool(() -> new ProcessBuilder("sleep", "0.3").start());
        sleeper.onExit().get(20, TimeUnit.SECONDS);
        System.out.println("process reapers: " + reapers());
        inTool.put("cat granted", () -> output("cat", "data/x.txt"));
        inTool.put("cat /etc/passwd", () -> output("cat", "/etc/passwd"));
        inTool.put("cat outside", () -> output("cat", "../outside/secret.txt"));
        inTool.put("sh writes outside", () -> output("sh", "-c", "echo x > ../outside/f.txt"));
        inTool.put("sh writes granted", () -> output("sh", "-c", "echo y > out/f.txt"));
        inTool.put("grandchild", () -> output("sh", "-c", "cat /etc/passwd | head -c 5"));
      }
      case "net" -> {
        try (ServerSocket granted = new ServerSocket(Integer.parseInt(args[1]));
            ServerSocket other = new ServerSocket(Integer.parseInt(args[2]))) {
          for (ServerSocket server : new ServerSocket[] {granted, other}) {
            Thread accepter =
                new Thread(
                    () -> {
                      try {
                        while (true) {
                          server.accept().close();
                        }
                      } catch (java.io.IOException closed) {
                        // done
                      }
                    });
            accepter.setDaemon(true);
            accepter.start();
          }
          for (String port : new String[] {args[1], args[2]}) {
            ToolApp.call(
                "connect " + port,
                () ->
                    run(
                        () ->
                            output(
                                "bash",
                                "-c",
                                "echo > /dev/tcp/127.0.0.1/" + port + " && echo connected")),
                true);
          }
        }
        return;
      }
      case "forge" -> {
        // A tool that started one granted process hands the JDK's fork a command of its own.
        ToolApp.call(
            "forged fork",
            () ->
                run(
                    () -> {
                      Process granted = new ProcessBuilder("cat", "data/x.txt").start();
                      granted.waitFor();
                      java.lang.reflect.Method fork =
                          Class.forName("io.toolguard.bootstrap.Dispatcher")
                              .getMethod(
                                  "forkAndExec",
                                  Object.class,
                                  int.class,
                                  byte[].class,
                                  byte[].class,
                                  byte[].class,
                                  int.class,
                                  byte[].class,
                                  int.class,
                                  byte[].class,
                                  int[].class,
                                  boolean.class);
                      Object pid;
                      try {
                        pid =
                            fork.invoke(
                                null,
                                granted,
                                1,
                                cString(System.getProperty("java.home") + "/lib/jspawnhelper"),
                                cString("/usr/bin/touch"),
                                cString("../outside/forged.txt"),
                                1,
                                null,
                                0,
                                null,
                                new int[] {-1, -1, -1},
                                false);
                      } catch (java.lang.reflect.InvocationTargetException thrown) {
                        throw new IllegalStateException(thrown.getCause().toString());
                      }
                      return "pid " + pid;
                    }),
            true);
        Thread.sleep(300);
        System.out.println("forged file: " + exists("../outside/forged.txt"));
        return;
      }
      case "race" -> {
        // Outside tools, a thread keeps swapping data/sub for a link to ../outside/sub and back,
        // while a process the tool started reads data/sub/secret.txt again and again.
        Path sub = Path.of("data/sub");
        Path kept = Path.of("data/sub.kept");
        Path outside = Path.of("../outside/sub").toAbsolutePath().normalize();
        java.util.concurrent.atomic.AtomicBoolean done =
            new java.util.concurrent.atomic.AtomicBoolean();
        Thread flipper =
            new Thread(
                () -> {
                  try {
                    while (!done.get()) {
                      Files.move(sub, kept);
                      Files.createSymbolicLink(sub, outside);
                      Thread.onSpinWait();
                      Files.delete(sub);
                      Files.move(kept, sub);
                    }
                  } catch (java.io.IOException failed) {
                    System.out.println("flipper: " + failed);
                  }
                });
        flipper.start();
        ToolApp.call(
            "race",
            () ->
                run(
                    () -> {
                      Process reader =
                          new ProcessBuilder(
                                  "sh",
                                  "-c",
                                  "for i in $(seq 400); do cat data/sub/secret.txt 2>/dev/null;"
                                      + " echo; done")
                              .start();
                      String read =
                          new String(
                              reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                      reader.waitFor();
                      long secrets = read.lines().filter("the secret"::equals).count();
                      long inside = read.lines().filter("inside"::equals).count();
                      return "outside reads "
                          + (secrets > 0 ? "some" : "none")
                          + ", inside reads "
                          + (inside > 0 ? "some" : "none");
                    }),
            true);
        done.set(true);
        flipper.join();
        return;
      }
      case "reaper" -> {
        // The first process this JVM ever starts is a tool's, in its kernel sandbox: the JDK
        // makes its process reaper then. Outside tools afterwards, a process reads what the tool's
        // grants do not reach; the reaper sees it end, and the application's callback then starts
        // another such process and reads the file in Java. The reapers never run with the
        // no_new_privs every confined start sets before its rulesets.
        System.out.println(
            "tool's cat outside: " + inTool(() -> output("cat", "../outside/secret.txt")));
        Process app =
            new ProcessBuilder("sh", "-c", "sleep 0.5; cat ../outside/secret.txt")
                .redirectErrorStream(true)
                .start();
        java.util.concurrent.CompletableFuture<String> reaped =
            app.onExit()
                .thenApply(
                    ended -> {
                      try {
                        return "exit "
                            + ended.exitValue()
                            + "; its cat outside: "
                            + output("cat", "../outside/secret.txt")
                            + "; java "
                            + javaReads("../outside/secret.txt");
                      } catch (Exception failed) {
                        return "failed: " + failed;
                      }
                    });
        String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("app's cat outside: exit " + app.waitFor() + ": " + out.strip());
        System.out.println("reaped: " + reaped.get(20, TimeUnit.SECONDS));
        System.out.println("process reapers: " + reapers());
        return;
      }
      case "one" -> {
        ToolApp.call("in tool", () -> run(() -> output("cat", args[1])), true);
        return;
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    inTool.forEach((label, command) -> ToolApp.call(label, () -> run(command), true));
    System.out.println("outside file: " + exists("../outside/f.txt"));
    System.out.println("granted file: " + exists("out/f.txt"));
    // The JVM is unaffected: outside tools, it reads and starts processes as before.
    ToolApp.call("outside tools, cat /etc/passwd", () -> output("cat", "/etc/passwd"), true);
    System.out.println("java outside tools: " + javaReads("/etc/passwd"));
  }

  private static <T> T inTool(Callable<T> work) throws Exception {
    Object[] result = new Object[1];
    run(
        () -> {
          result[0] = work.call();
          return "";
        });
    @SuppressWarnings("unchecked")
    T answer = (T) result[0];
    return answer;
  }

  /**
   * {@return how many of the JDK's process reaper threads there are, and how many of them run with
   * {@code no_new_privs}}: the confined start sets it with the Landlock rulesets, so a reaper made
   * by that thread would show it
   */
  private static String reapers() throws Exception {
    int reapers = 0;
    int confined = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        List<String> status;
        try {
          status = Files.readAllLines(task.resolve("status"));
        } catch (java.nio.file.NoSuchFileException ended) {
          continue; // a thread that ended meanwhile
        }
        if (status.contains("Name:\tprocess reaper")) {
          reapers++;
          if (status.contains("NoNewPrivs:\t1")) {
            confined++;
          }
        }
      }
    }
    return reapers + ", with no_new_privs " + confined;
  }

  /** {@return "exit N: OUTPUT" of the command, standard error included} */
  static String output(String... command) throws Exception {
    Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .findFirst()
            .orElse("");
    int exit = started.waitFor();
    return "exit " + exit + ": " + out;
  }

  private static String javaReads(String file) {
    try {
      return "read " + Files.readAllLines(Path.of(file)).size() + " lines";
    } catch (Exception refused) {
      return "refused: " + refused;
    }
  }

  private static byte[] cString(String text) {
    return (text + "\0").getBytes(StandardCharsets.UTF_8);
  }

  private static String exists(String file) {
    return Files.exists(Path.of(file)) ? "exists" : "absent";
  }
}
