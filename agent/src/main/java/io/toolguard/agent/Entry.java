package io.toolguard.agent;

import io.toolguard.agent.cli.Cli;
import java.lang.instrument.Instrumentation;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where {@link ToolGuardAgent}, the application class loader's, enters the agent's classes, which
 * {@link AgentClassLoader} defines: through the JDK's own interfaces, as the two loaders share no
 * class of the agent's.
 */
public final class Entry {

  private Entry() {}

  /** At JVM start: starts the agent or stops the JVM. */
  public static final class AtStart implements BiConsumer<String, Instrumentation> {

    /** Made by {@link AgentClassLoader#instance}. */
    public AtStart() {}

    @Override
    public void accept(String options, Instrumentation instrumentation) {
      Startup.premain(options, instrumentation);
    }
  }

  /** Attached to a running JVM: starts the agent, or leaves the JVM as it was and throws. */
  public static final class Attached implements BiConsumer<String, Instrumentation> {

    /** Made by {@link AgentClassLoader#instance}. */
    public Attached() {}

    @Override
    public void accept(String options, Instrumentation instrumentation) {
      Startup.agentmain(options, instrumentation);
    }
  }

  /** The command line. */
  public static final class Command implements Consumer<String[]> {

    /** Made by {@link AgentClassLoader#instance}. */
    public Command() {}

    @Override
    public void accept(String[] args) {
      Cli.main(args);
    }
  }
}
