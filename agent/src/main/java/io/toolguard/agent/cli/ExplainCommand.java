package io.toolguard.agent.cli;

import io.toolguard.agent.policy.Evaluation;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.FileOperation;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyException;
import io.toolguard.agent.policy.PolicyParser;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.ToolDecision;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code explain POLICY --tool NAME ...}: what a policy decides for one call, by which rule, and why the others lost. */
final class ExplainCommand implements Command {

  @Override
  public String usage() {
    return String.join("\n",
        "usage: java -jar toolguard-agent.jar explain POLICY --tool NAME [--risk RISK] [--op OP --path PATH]",
        "Shows the decision (allow, ask or deny) for a call to tool NAME, the deciding rule with its",
        "file:line, and every other rule that named the tool with why it lost.",
        "  --risk RISK   the risk the tool's annotation declares: LOW, MEDIUM, HIGH or CRITICAL (default HIGH,",
        "                the risk of a tool nobody classified)",
        "  --op OP       also decide a file access by the tool: read, write or delete",
        "  --path PATH   the file, absolute or relative to the sandbox root (taken as written: links are not",
        "                followed)",
        "Exit status 0 when explained, 1 for an invalid policy, 2 for a usage error.");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Flags flags = Flags.parse(args, List.of("tool", "risk", "op", "path"));
    if (flags.positional().size() != 1) {
      throw new IllegalArgumentException("give exactly one policy file");
    }
    String tool = flags.option("tool").orElseThrow(() -> new IllegalArgumentException("--tool NAME is required"));
    Risk risk = flags.option("risk").map(name -> Risk.named(name).orElseThrow(
        () -> new IllegalArgumentException("--risk must be LOW, MEDIUM, HIGH or CRITICAL, not '" + name + "'")))
        .orElse(Risk.HIGH);
    if (flags.option("op").isPresent() != flags.option("path").isPresent()) {
      throw new IllegalArgumentException("--op and --path go together");
    }
    FileOperation operation = flags.option("op").map(name -> FileOperation.named(name).orElseThrow(
        () -> new IllegalArgumentException("--op must be read, write or delete, not '" + name + "'")))
        .orElse(null);
    Policy policy;
    try {
      policy = PolicyParser.parse(Path.of(flags.positional().get(0)));
    } catch (PolicyException invalid) {
      err.println(invalid.getMessage());
      return Cli.FAILED;
    }

    Evaluation evaluation = policy.evaluate(tool, risk);
    ToolDecision decision = evaluation.decision();
    out.println("tool " + tool + ": " + decision.outcome().label());
    boolean ruleSetsRisk = evaluation.deciding().flatMap(ToolRule::risk).isPresent();
    out.println("  risk           " + decision.risk() + (ruleSetsRisk ? " (set by the deciding rule)"
        : flags.option("risk").isPresent() ? " (declared)" : " (the declared risk, taken as HIGH; give --risk)"));
    out.println("  deciding rule  " + evaluation.deciding().map(ExplainCommand::describe).orElse(
        "unlisted_tools: " + policy.unlisted().label() + (policy.unlistedAt().isPresent()
            ? " at " + policy.unlistedRule() : " (the default)")));
    out.println("  reason         " + decision.reason()
        + (decision.outcome() == Outcome.ASK && decision.verdict() != Verdict.ASK
            ? "; risk " + decision.risk() + " needs a person's approval" : ""));
    for (Evaluation.Outranked other : evaluation.outranked()) {
      out.println("  also matched   " + describe(other.rule()) + ": lost, " + other.why());
    }
    if (operation != null) {
      String path = flags.option("path").orElseThrow();
      AccessDecision file = policy.decideFile(decision, operation, path);
      out.println(operation.label() + " " + path + ": " + file.outcome().label());
      out.println("  reason         " + file.reason());
    }
    return Cli.OK;
  }

  private static String describe(ToolRule rule) {
    return rule.location().rule() + " '" + rule.pattern() + "' (" + rule.verdict().label()
        + rule.risk().map(risk -> ", risk " + risk).orElse("") + ")";
  }
}
