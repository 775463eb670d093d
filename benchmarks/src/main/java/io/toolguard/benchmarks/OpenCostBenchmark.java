package io.toolguard.benchmarks;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one checked open (and close, nothing read) costs inside a tool, against the plain open: the
 * path's resolution and decision, and on JDK 22+ the {@code openat2} that pins what was checked and
 * the JDK's reopen through {@code /proc/self/fd}. {@code benchmarks/run.sh} runs it without the
 * agent, with it outside tools, inside a tool, and inside a tool with the pinning turned off
 * ({@code -Dtoolguard.pinned_opens=off}), whose difference is what the pinning adds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OpenCostBenchmark {

  static final int BATCH = 1000;

  @Param({"outside", "inside"})
  String where;

  private Path file;

  @Setup
  public void createFile() throws IOException {
    Path root =
        Path.of(System.getProperty("toolguard.bench.dir", "/tmp/toolguard-bench")).toRealPath();
    file = root.resolve("data/deep/er/open.bin");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[16]);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long fileInputStreamOpen() throws IOException {
    return where.equals("inside") ? inTool(this, true) : opens(this, true);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long channelOpen() throws IOException {
    return where.equals("inside") ? inTool(this, false) : opens(this, false);
  }

  @Tool(name = "bench", risk = Risk.LOW)
  static long inTool(OpenCostBenchmark state, boolean stream) throws IOException {
    return opens(state, stream);
  }

  static long opens(OpenCostBenchmark state, boolean stream) throws IOException {
    long sum = 0;
    for (int i = 0; i < BATCH; i++) {
      if (stream) {
        try (FileInputStream in = new FileInputStream(state.file.toString())) {
          sum += in.getFD().valid() ? 1 : 0;
        }
      } else {
        try (SeekableByteChannel channel = Files.newByteChannel(state.file)) {
          sum += channel.isOpen() ? 1 : 0;
        }
      }
    }
    return sum;
  }
}
