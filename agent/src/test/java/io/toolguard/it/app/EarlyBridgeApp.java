package io.toolguard.it.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A JVM with a copy of toolguard's classes on its class path that loads toolguard's bridge itself
 * before the agent is attached: prints which loader loaded it, writes its process id to {@code pid}
 * and waits for a file {@code go}.
 */
public final class EarlyBridgeApp {

  private EarlyBridgeApp() {}

  public static void main(String[] args) throws Exception {
    Class<?> bridge = Class.forName("io.toolguard.bootstrap.Dispatcher");
    System.out.println("bridge loaded by " + bridge.getClassLoader());
    Files.writeString(Path.of("pid.tmp"), Long.toString(ProcessHandle.current().pid()));
    Files.move(Path.of("pid.tmp"), Path.of("pid"), StandardCopyOption.ATOMIC_MOVE);
    long deadline = System.nanoTime() + 50_000_000_000L;
    while (!Files.exists(Path.of("go")) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
