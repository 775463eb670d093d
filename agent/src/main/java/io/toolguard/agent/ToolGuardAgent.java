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
    Startup.start(options, instrumentation);
  }

  /** Called by the JVM when the agent is attached to a running JVM, which this version refuses. */
  public static void agentmain(String options, Instrumentation instrumentation) {
    System.err.println("toolguard: attaching to a running JVM is not supported by this version, and nothing was"
        + " changed; start the JVM with -javaagent:toolguard-agent.jar=policy=PATH instead");
  }
}
