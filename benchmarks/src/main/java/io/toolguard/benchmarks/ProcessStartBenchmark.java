package io.toolguard.benchmarks;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What starting a process (and waiting for it: {@code true}) costs inside a tool, with the policy's
 * {@code exec_sandbox} as {@code benchmarks/exec-sandbox.sh} sets it: {@code off} against {@code
 * kernel} is what the Landlock ruleset of the tool's grants adds to each start (a thread, the
 * ruleset, the rules, the restriction). {@code where=outside} is the start with no tool running.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProcessStartBenchmark {

  @Param({"outside", "inside"})
  String where;

  @Benchmark
  public int startAndWait() throws Exception {
    return where.equals("inside") ? inTool() : start();
  }

  @Tool(name = "bench", risk = Risk.LOW)
  static int inTool() throws IOException, InterruptedException {
    return start();
  }

  private static int start() throws IOException, InterruptedException {
    return new ProcessBuilder("true").start().waitFor();
  }
}
