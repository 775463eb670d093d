package io.toolguard.benchmarks;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a read of a setting costs: without the agent, with it outside tools, and inside a tool whose
 * {@code env} grant names it. Inside a tool each read first asks who asked — a walk of the stack,
 * hidden and reflection frames included, to tell the JDK reading its own settings from a tool's
 * read handed through JDK code — and then decides the name against the grant: the cost of the
 * provenance check every read inside a tool pays. Each invocation reads {@value #BATCH} times.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvReadBenchmark {

  static final int BATCH = 1000;

  /** {@code outside}: no tool is running; {@code inside}: the batch runs inside the tool. */
  @Param({"outside", "inside"})
  String where;

  /** {@code System.getenv} of a variable the grant names. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void getenv(Blackhole sink) {
    batch(sink, "HOME", true);
  }

  /** {@code System.getProperty} of a property the grant names. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void getProperty(Blackhole sink) {
    batch(sink, "toolguard.bench.dir", false);
  }

  private void batch(Blackhole sink, String name, boolean variable) {
    if (where.equals("inside")) {
      inTool(sink, name, variable);
    } else {
      repeat(sink, name, variable);
    }
  }

  @Tool(name = "bench", risk = Risk.LOW)
  static void inTool(Blackhole sink, String name, boolean variable) {
    repeat(sink, name, variable);
  }

  private static void repeat(Blackhole sink, String name, boolean variable) {
    for (int i = 0; i < BATCH; i++) {
      sink.consume(variable ? System.getenv(name) : System.getProperty(name));
    }
  }
}
