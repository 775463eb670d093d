package io.toolguard.benchmarks;

import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.read.PolicyParser;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What conditions on arguments add to deciding a tool call: the same decision for a tool whose rule
 * has none, and for one whose rule has four (a glob, a value list, a range and a length) that all
 * hold, so the call is allowed. Calls the agent's classes in-process, from the benchmarks jar,
 * which carries them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConditionCostBenchmark {

  private static final List<String> NAMES = List.of("to", "currency", "amount", "subject");

  private Policy policy;
  private Object[] arguments;

  @Setup
  public void parsePolicy() throws Exception {
    Path root =
        Path.of(System.getProperty("toolguard.bench.dir", "/tmp/toolguard-bench")).toRealPath();
    Path policyFile = root.resolve("../condition-policy.yaml");
    Files.writeString(
        policyFile,
        "version: 1\nsandbox: "
            + root
            + "\ntools:\n  plain:\n    decision: allow\n    risk: LOW\n"
            + "  refund:\n    decision: allow\n    risk: LOW\n    when:\n"
            + "      to: {glob: \"*@example.com\"}\n      currency: {one_of: [EUR, USD]}\n"
            + "      amount: {min: 0, max: 100}\n      subject: {max_length: 200}\n");
    policy = PolicyParser.parse(policyFile);
    arguments = new Object[] {"bob@example.com", "EUR", new BigDecimal("99.50"), "refund #42"};
  }

  /** A rule without conditions: what every call paid before conditions existed. */
  @Benchmark
  public Object withoutConditions() {
    return policy.decideCall("plain", DeclaredRisk.of(Risk.LOW), NAMES, arguments, Path::normalize);
  }

  /** A rule with four conditions that hold. */
  @Benchmark
  public Object withFourConditions() {
    return policy.decideCall(
        "refund", DeclaredRisk.of(Risk.LOW), NAMES, arguments, Path::normalize);
  }
}
