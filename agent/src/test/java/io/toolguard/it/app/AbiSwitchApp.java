package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Tries to switch the kernel sandbox off from the application's {@code main}, while toolguard's
 * kernel probe may still be running (JDK 22+): sets {@code jdk.internal.foreign.CABI=UNSUPPORTED},
 * the JDK's own property that makes its foreign function API answer "platform not supported" when
 * it is first used, then calls the tool {@code run}, which starts {@code cat} on the file named by
 * its argument. Prints {@code run: exit N: OUTPUT}, or {@code run: denied: …}.
 */
public final class AbiSwitchApp {

  private AbiSwitchApp() {}

  @Tool(name = "run", risk = Risk.LOW)
  static String run(String file) throws Exception {
    Process cat = new ProcessBuilder("cat", file).redirectErrorStream(true).start();
    String output = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return "exit " + cat.waitFor() + ": " + output;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("jdk.internal.foreign.CABI", "UNSUPPORTED");
    callRun(args);
  }

  /** Calls the tool on the file {@code args[0]} names, and prints what came of it. */
  static void callRun(String[] args) throws Exception {
    String file = Path.of(args[0]).toAbsolutePath().normalize().toString();
    try {
      System.out.println("run: " + run(file));
    } catch (SecurityException denied) {
      System.out.println("run: denied: " + denied.getMessage());
    }
  }
}
