package io.toolguard.benchmarks;

import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.FileOperation;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.ToolDecision;
import io.toolguard.agent.policy.read.PolicyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The two parts of a file check inside a tool, apart: finding where the path really leads (system
 * calls: the JDK's {@code realpath}), and deciding it against the tool's grants (no system call).
 * Calls the agent's classes in-process, from the benchmarks jar, which carries them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CheckCostBenchmark {

  private Path file;
  private Path real;
  private Policy policy;
  private ToolDecision tool;

  @Setup
  public void parsePolicy() throws Exception {
    Path root =
        Path.of(System.getProperty("toolguard.bench.dir", "/tmp/toolguard-bench")).toRealPath();
    file = root.resolve("data/4k.bin");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[4096]);
    real = file.toRealPath();
    Path policyFile = root.resolve("../cost-policy.yaml");
    Files.writeString(
        policyFile,
        "version: 1\nsandbox: "
            + root
            + "\ntools:\n  bench:\n    decision: allow\n    risk: LOW\n"
            + "    files:\n      read: [\"docs/*.md\", \"data/**\"]\n      write: [\"out/**\"]\n");
    policy = PolicyParser.parse(policyFile);
    tool = policy.decide("bench", DeclaredRisk.of(Risk.LOW));
  }

  /** Where the path leads: what every check pays in system calls. */
  @Benchmark
  public Path resolve() throws IOException {
    return file.toRealPath();
  }

  /** The decision on a resolved path: what every check adds besides the system calls. */
  @Benchmark
  public Object decide() {
    return policy.decideFile(tool, FileOperation.READ, real);
  }
}
