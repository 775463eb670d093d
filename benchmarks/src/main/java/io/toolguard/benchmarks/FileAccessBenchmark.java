package io.toolguard.benchmarks;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What one file operation costs: without the agent, with the agent outside any tool, and with the
 * agent inside a tool whose grant matches. Each invocation runs the operation {@value #BATCH}
 * times, inside one tool call when {@code where=inside}, so the tool call's own cost (its audit
 * line) is spread over the batch and the figure is the per-operation cost of the file check. {@code
 * benchmarks/run.sh} runs the three configurations and prints the table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FileAccessBenchmark {

  static final int BATCH = 1000;

  /**
   * {@code outside}: no tool is running; {@code inside}: the batch runs inside the tool {@code
   * bench}.
   */
  @Param({"outside", "inside"})
  String where;

  private Path file;
  private Path folder;
  private byte[] small;

  /** One operation on the prepared files. */
  @FunctionalInterface
  interface Operation {
    Object run(FileAccessBenchmark state) throws IOException;
  }

  @Setup
  public void createFiles() throws IOException {
    Path root =
        Path.of(System.getProperty("toolguard.bench.dir", "/tmp/toolguard-bench")).toRealPath();
    file = root.resolve("data/4k.bin");
    folder = root.resolve("data/ten");
    Files.createDirectories(folder);
    Files.write(file, new byte[4096]);
    for (int i = 0; i < 10; i++) {
      Files.write(folder.resolve("entry-" + i), new byte[0]);
    }
    small = new byte[16];
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void filesExists(Blackhole sink) throws IOException {
    batch(s -> Files.exists(s.file), sink);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void filesSize(Blackhole sink) throws IOException {
    batch(s -> Files.size(s.file), sink);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void filesReadAllBytes4k(Blackhole sink) throws IOException {
    batch(s -> Files.readAllBytes(s.file), sink);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void filesWriteSmall(Blackhole sink) throws IOException {
    batch(s -> Files.write(s.folder.resolve("written"), s.small), sink);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void filesList10(Blackhole sink) throws IOException {
    batch(
        s -> {
          try (Stream<Path> entries = Files.list(s.folder)) {
            return entries.count();
          }
        },
        sink);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void fileInputStreamRead(Blackhole sink) throws IOException {
    batch(
        s -> {
          try (InputStream in = new FileInputStream(s.file.toString())) {
            return in.read();
          }
        },
        sink);
  }

  private void batch(Operation operation, Blackhole sink) throws IOException {
    if (where.equals("inside")) {
      inTool(this, operation, sink);
    } else {
      repeat(this, operation, sink);
    }
  }

  @Tool(name = "bench", risk = Risk.LOW)
  static void inTool(FileAccessBenchmark state, Operation operation, Blackhole sink)
      throws IOException {
    repeat(state, operation, sink);
  }

  private static void repeat(FileAccessBenchmark state, Operation operation, Blackhole sink)
      throws IOException {
    for (int i = 0; i < BATCH; i++) {
      sink.consume(operation.run(state));
    }
  }
}
