package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/**
 * {@code LateWovenApp [edge | read FILE]}: prints {@code main: started}, then loads {@link
 * Listener}, a class with a tool, and calls its tool {@code listener}, which listens on a free
 * loopback port with a {@code ServerSocket} (a JDK class nothing loads before {@code main}). Prints
 * {@code listen: listening} or {@code listen: failed: EXCEPTION}. With {@code edge}, {@code main}
 * (no tool) first makes the JVM load {@code ServerSocket} at the edge of an exhausted stack, where
 * a transformer runs out of stack and the JVM defines the class as it is. With {@code read FILE},
 * it calls the tool {@code reader} instead, which reads the file with a {@code FileInputStream} (a
 * JDK class the JVM loads before any agent's {@code premain}), and prints {@code read: CONTENT} or
 * {@code read: failed: EXCEPTION}.
 */
public final class LateWovenApp {

  private LateWovenApp() {}

  /** The tool, in a class of its own: loaded only once {@code main} has started. */
  public static final class Listener {

    private Listener() {}

    @Tool(name = "listener", risk = Risk.LOW)
    static String listen() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return "listening";
      }
    }

    @Tool(name = "reader", risk = Risk.LOW)
    static String read(String file) throws IOException {
      try (FileInputStream in = new FileInputStream(file)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  private static volatile Class<?> loaded;

  public static void main(String[] args) {
    System.out.println("main: started");
    if (args.length > 1 && args[0].equals("read")) {
      try {
        System.out.println("read: " + Listener.read(args[1]));
      } catch (Exception | Error failed) {
        System.out.println("read: failed: " + failed);
      }
      return;
    }
    if (args.length > 0 && args[0].equals("edge")) {
      descend();
      System.out.println("edge: " + (loaded == null ? "not loaded" : "loaded"));
    }
    try {
      System.out.println("listen: " + Listener.listen());
    } catch (Exception | Error failed) {
      System.out.println("listen: failed: " + failed);
    }
  }

  private static void descend() {
    try {
      descend();
    } catch (StackOverflowError bottom) {
      // unwinding: each frame above tries once more, with a little more stack
    }
    if (loaded == null) {
      try {
        loaded = Class.forName("java.net.ServerSocket", false, null);
      } catch (Throwable outOfStack) {
        // tried again one frame up
      }
    }
  }
}
