package io.toolguard.benchmarks;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What handing work to another thread costs: {@code ExecutorService.submit} to a pool created
 * outside any tool, and {@code new Thread(…).start()} with a {@code join}; without the agent, with
 * it outside tools, and inside a tool (where each task and thread is given the tool's context).
 * Each invocation hands over {@value #BATCH} tasks, or starts {@value #THREADS} threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HandOffBenchmark {

  static final int BATCH = 1000;
  static final int THREADS = 20;

  /**
   * {@code outside}: no tool is running; {@code inside}: the batch runs inside the tool {@code
   * bench}.
   */
  @Param({"outside", "inside"})
  String where;

  private ExecutorService pool;

  @Setup(Level.Trial)
  public void startPool() {
    pool = Executors.newFixedThreadPool(1);
  }

  @TearDown(Level.Trial)
  public void stopPool() {
    pool.shutdownNow();
  }

  /** Work that may run anywhere. */
  @FunctionalInterface
  interface Work {
    void run(HandOffBenchmark state) throws InterruptedException;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void executorSubmit() throws InterruptedException {
    batch(
        state -> {
          CountDownLatch done = new CountDownLatch(BATCH);
          for (int i = 0; i < BATCH; i++) {
            state.pool.submit(done::countDown);
          }
          done.await();
        });
  }

  @Benchmark
  @OperationsPerInvocation(THREADS)
  public void threadStartAndJoin() throws InterruptedException {
    batch(
        state -> {
          for (int i = 0; i < THREADS; i++) {
            Thread thread = new Thread(() -> {});
            thread.start();
            thread.join();
          }
        });
  }

  private void batch(Work work) throws InterruptedException {
    if (where.equals("inside")) {
      inTool(this, work);
    } else {
      work.run(this);
    }
  }

  @Tool(name = "bench", risk = Risk.LOW)
  static void inTool(HandOffBenchmark state, Work work) throws InterruptedException {
    work.run(state);
  }
}
