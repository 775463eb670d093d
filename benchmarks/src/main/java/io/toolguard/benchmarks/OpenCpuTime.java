package io.toolguard.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link OpenCostBenchmark}'s batches timed by the thread's CPU time as well as the clock: on a
 * machine shared with other work the clock counts the time the thread waited for a core, and JMH's
 * medians move by half between runs, while CPU time counts what the open itself costs. Prints the
 * median and least of 40 batches of 1,000 opens, after 30 to warm up, for a stream and a channel.
 *
 * <p>{@code java -Dtoolguard.bench.dir=DIR [-javaagent:…] -cp toolguard-benchmarks.jar
 * io.toolguard.benchmarks.OpenCpuTime outside|inside} (inside needs the agent and the policy of
 * {@code benchmarks/run.sh}).
 */
public final class OpenCpuTime {

  private static final int WARM_UP = 30;
  private static final int BATCHES = 40;

  private OpenCpuTime() {}

  public static void main(String[] args) throws IOException {
    boolean inside = args.length > 0 && args[0].equals("inside");
    OpenCostBenchmark state = new OpenCostBenchmark();
    state.createFile();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (boolean stream : new boolean[] {true, false}) {
      for (int i = 0; i < WARM_UP; i++) {
        batch(state, inside, stream);
      }
      double[] cpu = new double[BATCHES];
      double[] wall = new double[BATCHES];
      for (int i = 0; i < BATCHES; i++) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        batch(state, inside, stream);
        cpu[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / OpenCostBenchmark.BATCH;
        wall[i] = (System.nanoTime() - wallStart) / 1e3 / OpenCostBenchmark.BATCH;
      }
      Arrays.sort(cpu);
      Arrays.sort(wall);
      System.out.printf(
          Locale.ROOT,
          "%s %s: CPU time median %.1f us/op, least %.1f; clock median %.1f us/op%n",
          inside ? "inside" : "outside",
          stream ? "new FileInputStream" : "Files.newByteChannel",
          cpu[BATCHES / 2],
          cpu[0],
          wall[BATCHES / 2]);
    }
  }

  private static long batch(OpenCostBenchmark state, boolean inside, boolean stream)
      throws IOException {
    return inside
        ? OpenCostBenchmark.inTool(state, stream)
        : OpenCostBenchmark.opens(state, stream);
  }
}
