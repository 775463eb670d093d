package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code EarlyTimerApp FILE}: starts a {@link Timer} first thing in {@code main} (so the JVM loads
 * {@code TimerThread}, whose loop runs every task, while toolguard may still be weaving the JDK
 * beside {@code main}), prints {@code main: started}, then calls the tool {@code reader}, which
 * reads {@code FILE} in a task it schedules on that timer. Prints {@code timer: CONTENT} or {@code
 * timer: failed: EXCEPTION}.
 */
public final class EarlyTimerApp {

  private static final Timer TIMER = new Timer("application-timer", true);

  private EarlyTimerApp() {}

  /** The tool, in a class of its own: loaded only once the timer runs. */
  public static final class Reader {

    private Reader() {}

    @Tool(name = "reader", risk = Risk.LOW)
    static String read(String file) throws Exception {
      CompletableFuture<String> read = new CompletableFuture<>();
      TIMER.schedule(
          new TimerTask() {
            @Override
            public void run() {
              try {
                read.complete(Files.readString(Path.of(file)));
              } catch (Exception | Error failed) {
                read.completeExceptionally(failed);
              }
            }
          },
          0);
      return read.get(30, TimeUnit.SECONDS);
    }
  }

  public static void main(String[] args) {
    System.out.println("main: started");
    try {
      System.out.println("timer: " + Reader.read(args[0]));
    } catch (Exception | Error failed) {
      System.out.println("timer: failed: " + failed);
    }
  }
}
