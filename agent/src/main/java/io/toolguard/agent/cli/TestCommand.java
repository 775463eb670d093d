package io.toolguard.agent.cli;

import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.Evaluation;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.read.PolicyCase;
import io.toolguard.agent.policy.read.PolicyCases;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code test POLICY CASES.yaml}: proves what a policy decides, like {@code opa test} for tool
 * policies.
 */
final class TestCommand implements Command {

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: java -jar toolguard-agent.jar test POLICY CASES.yaml",
        "Decides each case of CASES.yaml with POLICY and prints PASS or FAIL per case, then a summary.",
        "A case names a tool (and the risk its annotation states; without it, default_risk applies), optionally",
        "a file access (op and path), the expected decision (allow, ask or deny) and optionally the line of the",
        "deciding rule:",
        "  cases:",
        "    - name: the summary may be written",
        "      tool: write_file",
        "      risk: MEDIUM",
        "      op: write",
        "      path: out/summary.md",
        "      expect: allow",
        "      rule: 23",
        "Exit status 0 when every case passes, 1 otherwise or for an invalid file, 2 for a usage error.");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() != 2) {
      throw new IllegalArgumentException("give a policy file and a test-case file");
    }
    Policy policy;
    List<PolicyCase> cases;
    try {
      policy = PolicyParser.parse(Path.of(args.get(0)));
      cases = PolicyCases.parse(Path.of(args.get(1)));
    } catch (PolicyException invalid) {
      err.println(invalid.getMessage());
      return Cli.FAILED;
    }
    int failed = 0;
    for (PolicyCase testCase : cases) {
      Optional<String> failure = check(policy, testCase);
      if (failure.isEmpty()) {
        out.println("PASS  " + testCase.name());
      } else {
        failed++;
        out.println(
            "FAIL  " + testCase.name() + " (" + testCase.location() + "): " + failure.get());
      }
    }
    out.println((cases.size() - failed) + " passed, " + failed + " failed");
    return failed == 0 ? Cli.OK : Cli.FAILED;
  }

  /** {@return why the policy does not decide the case as expected, or empty when it does} */
  static Optional<String> check(Policy policy, PolicyCase testCase) {
    Evaluation evaluation =
        policy.evaluate(testCase.tool(), testCase.risk(), testCase.toolArguments());
    Outcome actual = evaluation.decision().outcome();
    String reason = evaluation.decision().reason();
    if (testCase.operation().isPresent()) {
      AccessDecision access;
      try {
        access =
            Operations.decide(
                policy, evaluation.decision(), testCase.operation().get(), testCase.target());
      } catch (IllegalArgumentException unreadable) {
        return Optional.of(unreadable.getMessage());
      }
      actual = access.outcome();
      reason = access.reason();
    }
    String rule = evaluation.decision().rule();
    if (actual != testCase.expected()) {
      return Optional.of(
          "expected "
              + testCase.expected().label()
              + ", got "
              + actual.label()
              + " by "
              + rule
              + ": "
              + reason);
    }
    if (testCase.ruleLine().isPresent()) {
      int expectedLine = testCase.ruleLine().getAsInt();
      Optional<Integer> actualLine =
          evaluation.deciding().map(deciding -> deciding.location().line());
      if (!actualLine.equals(Optional.of(expectedLine))) {
        return Optional.of(
            "expected the rule at line " + expectedLine + " to decide, but " + rule + " did");
      }
    }
    return Optional.empty();
  }
}
