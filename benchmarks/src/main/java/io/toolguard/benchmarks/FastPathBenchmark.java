package io.toolguard.benchmarks;

import io.toolguard.bootstrap.Dispatcher;
import io.toolguard.bootstrap.HandOffs;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The part of every file operation and every task submission the agent adds outside tools,
 * isolated: the call woven into the JDK, which reads one thread-local and returns. File system
 * calls cost microseconds and vary by more than this between runs, so {@link FileAccessBenchmark}
 * alone cannot show it. Needs the agent attached ({@code benchmarks/run.sh} does that): the
 * dispatcher lives on the bootstrap path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FastPathBenchmark {

  private final Path path = Path.of("/tmp/toolguard-bench/data/4k.bin");
  private final Runnable task = () -> {};

  /** The baseline: returning the path without a check. */
  @Benchmark
  public Object baseline() {
    return path;
  }

  /** What a woven executor does with each task submitted when no tool is running. */
  @Benchmark
  public Object handOffOutsideTool() {
    return HandOffs.handOff(task);
  }

  /** What the woven code does before a file operation when no tool is running. */
  @Benchmark
  public Object checkOutsideTool() {
    return Dispatcher.checkFile(path, Dispatcher.READ | Dispatcher.RESOLVED, null);
  }
}
