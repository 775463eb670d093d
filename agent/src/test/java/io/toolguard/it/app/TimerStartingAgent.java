package io.toolguard.it.app;

import java.lang.instrument.Instrumentation;
import java.util.Timer;

/**
 * Another agent, given before toolguard, that starts a timer in its {@code premain} and cancels it:
 * the JVM then loads {@code TimerThread}, whose loop runs every timer's tasks, before toolguard's
 * {@code premain}.
 */
public final class TimerStartingAgent {

  private TimerStartingAgent() {}

  public static void premain(String options, Instrumentation instrumentation) {
    new Timer("another agent's timer", true).cancel();
  }
}
