package io.toolguard.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point ({@code Premain-Class}). Refers to no other agent class in its own
 * signatures, so that nothing is loaded before the bootstrap classes are in place.
 */
public final class ToolGuardAgent {

  private ToolGuardAgent() {}

  /** Called by the JVM for {@code -javaagent:toolguard-agent.jar=OPTIONS}. */
  public static void premain(String options, Instrumentation instrumentation) {
    Startup.premain(options, instrumentation);
  }

  /**
   * Called by the JVM when {@code java -jar toolguard-agent.jar attach PID OPTIONS} attaches the
   * agent.
   */
  public static void agentmain(String options, Instrumentation instrumentation) {
    Startup.agentmain(options, instrumentation);
  }
}
