package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;

/**
 * A tool that exhausts its stack on purpose, then, on each frame as the stack unwinds, makes the
 * JVM load a class for the first time: where a transformer of toolguard's runs out of stack, the
 * JDK would define the class as it is. {@code ExhaustedStackApp logging}: the JDK's {@code
 * LogManager} (hooked), then resets the JVM's logging; {@code ExhaustedStackApp tools}: a class
 * with a tool the policy denies, then calls it. {@code ExhaustedStackApp manager}: installs its own
 * log manager first thing in {@code main}, as servers do, and says which one the JVM took.
 */
public final class ExhaustedStackApp {

  private static volatile Class<?> loaded;
  private static int tries;

  private ExhaustedStackApp() {}

  public static void main(String[] args) {
    if (args[0].equals("manager")) {
      // As a server that installs its own log manager does, first thing in main.
      System.setProperty("java.util.logging.manager", OwnLogManager.class.getName());
      System.out.println("log manager: " + LogManager.getLogManager().getClass().getSimpleName());
      return;
    }
    try {
      System.out.println(dive(args[0]));
    } catch (SecurityException denied) {
      System.out.println("dive: denied: " + denied.getMessage());
    }
  }

  /** The tool: reaches the class at the edge of its stack, then uses it. */
  @Tool(name = "dive", risk = Risk.LOW)
  public static String dive(String what) {
    String name =
        what.equals("logging") ? "java.util.logging.LogManager" : LateTool.class.getName();
    ClassLoader loader = what.equals("logging") ? null : ExhaustedStackApp.class.getClassLoader();
    descend(name, loader);
    if (loaded == null) {
      return "not loaded in " + tries + " tries";
    }
    try {
      if (what.equals("logging")) {
        LogManager.getLogManager().reset();
        return "logging: reset";
      }
      LateTool.late();
      return "late: ran";
    } catch (SecurityException denied) {
      return "refused: " + denied.getMessage();
    }
  }

  private static void descend(String name, ClassLoader loader) {
    try {
      descend(name, loader);
    } catch (StackOverflowError bottom) {
      // unwinding: each frame above tries once more, with a little more stack
    }
    if (loaded == null) {
      tries++;
      try {
        loaded = Class.forName(name, false, loader);
      } catch (Throwable refused) {
        // refused or out of stack: tried again one frame up
      }
    }
  }

  /** The application's own log manager. */
  public static final class OwnLogManager extends LogManager {}

  /** Loaded only at the edge of the stack; its tool is denied by the policy. */
  public static final class LateTool {

    private LateTool() {}

    @Tool(name = "late", risk = Risk.LOW)
    public static void late() {
      try {
        Files.writeString(Path.of("late-ran"), "the denied tool ran");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
