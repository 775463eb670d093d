package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tool goes after toolguard's own threads: {@code OwnThreadsApp POLICY}. Inside the tool {@code
 * meddle} it interrupts every thread of toolguard's (the policy reloader, the approval server's),
 * printing {@code THREAD name denied|interrupted}, and one of the application's, which it may; then
 * the application, outside tools, changes the policy and waits for it to be reloaded.
 */
public final class OwnThreadsApp {

  private OwnThreadsApp() {}

  @Tool(name = "meddle", risk = Risk.LOW)
  static List<String> meddle(Thread applicationThread) {
    List<String> outcomes = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      ThreadGroup group = thread.getThreadGroup();
      if (group != null && group.getName().equals("toolguard")) {
        outcomes.add("THREAD " + thread.getName() + " " + interrupt(thread));
      }
    }
    outcomes.add("THREAD the application's " + interrupt(applicationThread));
    return outcomes;
  }

  private static String interrupt(Thread thread) {
    try {
      thread.interrupt();
      return "interrupted";
    } catch (SecurityException denied) {
      return "denied";
    }
  }

  public static void main(String[] args) throws Exception {
    Thread sleeper =
        new Thread(
            () -> {
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException expected) {
                // the tool may interrupt the application's own threads
              }
            });
    sleeper.start();
    // The approval page starts its threads after premain, beside main: the token file is written
    // once it serves.
    for (int i = 0; i < 600 && !Files.exists(Path.of("approval.token")); i++) {
      Thread.sleep(50);
    }
    meddle(sleeper).forEach(System.out::println);
    sleeper.join(5_000);
    System.out.println("APPLICATION THREAD " + (sleeper.isAlive() ? "still asleep" : "woken"));
    Path policy = Path.of(args[0]);
    Files.writeString(policy, Files.readString(policy) + "\n# changed by the application\n");
    Thread.sleep(1_500);
  }
}
