package io.toolguard.agent;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The agent's entry point ({@code Premain-Class}, {@code Agent-Class} and {@code Main-Class}), the
 * application class loader's like {@link AgentClassLoader}: it hands each entry to the agent's
 * classes, which that loader defines ({@link Entry}). It names none of them, so that the
 * application class loader never loads one of the agent's classes for the agent.
 */
public final class ToolGuardAgent {

  /** The exit status when toolguard refuses to start the JVM. */
  static final int REFUSED = 78;

  private ToolGuardAgent() {}

  /** Called by the JVM for {@code -javaagent:toolguard-agent.jar=OPTIONS}. */
  public static void premain(String options, Instrumentation instrumentation) {
    BiConsumer<String, Instrumentation> start;
    try {
      start = entry("io.toolguard.agent.Entry$AtStart");
    } catch (IOException | RuntimeException | LinkageError failed) {
      System.err.println("toolguard: " + failed.getMessage() + ", so the JVM is not started");
      System.err.flush();
      System.exit(REFUSED);
      return;
    }
    start.accept(options, instrumentation);
  }

  /**
   * Called by the JVM when {@code java -jar toolguard-agent.jar attach PID OPTIONS} attaches the
   * agent.
   */
  public static void agentmain(String options, Instrumentation instrumentation) {
    BiConsumer<String, Instrumentation> start;
    try {
      start = entry("io.toolguard.agent.Entry$Attached");
    } catch (IOException | RuntimeException | LinkageError failed) {
      System.err.println("toolguard: not attached: " + failed.getMessage());
      throw new IllegalStateException(failed.getMessage(), failed);
    }
    start.accept(options, instrumentation);
  }

  /** The command line: {@code java -jar toolguard-agent.jar COMMAND …}. */
  public static void main(String[] args) {
    Consumer<String[]> command;
    try {
      @SuppressWarnings("unchecked")
      Consumer<String[]> made =
          (Consumer<String[]>) AgentClassLoader.get().instance("io.toolguard.agent.Entry$Command");
      command = made;
    } catch (IOException | RuntimeException | LinkageError failed) {
      System.err.println("toolguard: " + failed.getMessage());
      System.exit(1);
      return;
    }
    command.accept(args);
  }

  @SuppressWarnings("unchecked")
  private static BiConsumer<String, Instrumentation> entry(String name) throws IOException {
    return (BiConsumer<String, Instrumentation>) AgentClassLoader.get().instance(name);
  }
}
