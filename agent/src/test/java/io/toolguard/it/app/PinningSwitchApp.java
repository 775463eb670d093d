package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Tries to turn toolguard's pinned opens off after the JVM started: {@code PinningSwitchApp} sets
 * {@code -Dtoolguard.pinned_opens=off} first thing in {@code main} (while toolguard's kernel probe
 * may still run, JDK 22+), then inside the tool {@code flip}, then reads {@code data/a.txt} in the
 * tool {@code read} and, while that tool still runs, counts from {@code main} (outside tools) the
 * descriptors the process holds on that file: a pinned open leaves the {@code O_PATH} descriptor
 * the JDK opened by number held until the tool ends, an unpinned one leaves none. Prints {@code
 * main set: …}, {@code flip: …}, {@code read: …} and {@code held: N}. {@code PinningSwitchApp
 * no-tool} calls no tool and prints {@code main ran}.
 */
public final class PinningSwitchApp {

  private static final String SWITCH = "toolguard.pinned_opens";

  private PinningSwitchApp() {}

  @Tool(name = "flip", risk = Risk.LOW)
  static String flip() {
    System.setProperty(SWITCH, "off");
    return "set to " + System.getProperty(SWITCH);
  }

  @Tool(name = "read", risk = Risk.LOW)
  static String read(Path file, CountDownLatch opened, CountDownLatch counted) throws Exception {
    String content = Files.readString(file);
    opened.countDown();
    counted.await();
    return content;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("no-tool")) {
      System.out.println("main ran");
      return;
    }
    System.setProperty(SWITCH, "off");
    System.out.println("main set: " + System.getProperty(SWITCH));
    try {
      System.out.println("flip: " + flip());
    } catch (SecurityException denied) {
      System.out.println("flip: denied: " + denied.getMessage());
    }
    Path file = Path.of("data/a.txt").toAbsolutePath();
    CountDownLatch opened = new CountDownLatch(1);
    CountDownLatch counted = new CountDownLatch(1);
    String[] result = new String[1];
    Thread reader =
        new Thread(
            () -> {
              try {
                result[0] = "read: " + read(file, opened, counted);
              } catch (Exception | Error failed) {
                result[0] = "read: failed: " + failed;
                opened.countDown();
              }
            });
    reader.start();
    opened.await();
    int held = 0;
    try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
      for (Path descriptor : descriptors.toList()) {
        try {
          if (Files.readSymbolicLink(descriptor).equals(file.toRealPath())) {
            held++;
          }
        } catch (java.io.IOException gone) {
          // the listing's own descriptor, closed since
        }
      }
    }
    counted.countDown();
    reader.join();
    System.out.println(result[0]);
    System.out.println("held: " + held);
  }
}
