package io.toolguard.agent.cli;

import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.ArgumentCondition;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Evaluation;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.ToolArguments;
import io.toolguard.agent.policy.ToolDecision;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import io.toolguard.agent.policy.read.PolicyCase;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code explain POLICY --tool NAME ...}: what a policy decides for one call, by which rule, and
 * why the others lost.
 */
final class ExplainCommand implements Command {

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: java -jar toolguard-agent.jar explain POLICY --tool NAME [--risk RISK] [--arg NAME=VALUE]...",
        "           [--classpath CP] [--op read|write|delete --path P | --op exec --command C | --op connect|listen --host H:P",
        "            | --op env|property --var NAME]",
        "Shows the decision (allow, ask or deny) for a call to tool NAME, the deciding rule with its",
        "file:line, and every other rule that named the tool with why it lost.",
        "  --risk RISK   the risk the tool's annotation declares: LOW, MEDIUM, HIGH or CRITICAL. Without it",
        "                the tool states none, as a framework tool: the policy's default_risk applies (HIGH",
        "                unless the policy sets it), before a rule's risk overrides it",
        "  --arg N=V     an argument of the call, for rules with conditions (repeat for each; a value",
        "                that is a number is given as a number)",
        "  --classpath CP  the application's jars and folders (separated by "
            + java.io.File.pathSeparator
            + "): list the tool's parameters",
        "                as its class files name them (no class is loaded), and say which --arg names none",
        "  --op OP       also decide something the tool does: read, write or delete a file, exec a command,",
        "                connect to or listen on an address",
        "  --path PATH   the file, absolute or relative to the sandbox root (taken as written: links are not",
        "                followed)",
        "  --command C   the command line, its first word looked up on this machine's PATH",
        "  --host H:P    one host (a name resolved on this machine, or an address) and one port",
        "  --var NAME    an environment variable (op env) or system property (op property) the tool reads",
        "Exit status 0 when explained, 1 for an invalid policy, 2 for a usage error.");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Flags flags =
        Flags.parse(
            args,
            List.of("tool", "risk", "op", "path", "command", "host", "var", "arg", "classpath"));
    if (flags.positional().size() != 1) {
      throw new IllegalArgumentException("give exactly one policy file");
    }
    String tool =
        flags
            .option("tool")
            .orElseThrow(() -> new IllegalArgumentException("--tool NAME is required"));
    DeclaredRisk risk =
        flags
            .option("risk")
            .map(
                name ->
                    DeclaredRisk.of(
                        Risk.named(name)
                            .orElseThrow(
                                () ->
                                    new IllegalArgumentException(
                                        "--risk must be LOW, MEDIUM, HIGH or CRITICAL, not '"
                                            + name
                                            + "'"))))
            .orElse(DeclaredRisk.UNSTATED);
    String operation = flags.option("op").orElse(null);
    if (operation != null && !PolicyCase.TARGETS.containsKey(operation)) {
      throw new IllegalArgumentException(
          "--op must be one of "
              + String.join(", ", PolicyCase.TARGETS.keySet())
              + ", not '"
              + operation
              + "'");
    }
    for (String key : List.of("path", "command", "host", "var")) {
      if (flags.option(key).isPresent()
          != (operation != null && PolicyCase.TARGETS.get(operation).equals(key))) {
        throw new IllegalArgumentException(
            operation == null
                ? "--" + key + " needs --op"
                : "--op " + operation + " takes --" + PolicyCase.TARGETS.get(operation));
      }
    }
    Policy policy;
    try {
      policy = PolicyParser.parse(Path.of(flags.positional().get(0)));
    } catch (PolicyException invalid) {
      err.println(invalid.getMessage());
      return Cli.FAILED;
    }

    Evaluation evaluation = policy.evaluate(tool, risk, arguments(flags.all("arg")));
    ToolDecision decision = evaluation.decision();
    out.println("tool " + tool + ": " + decision.outcome().label());
    boolean ruleSetsRisk = evaluation.deciding().flatMap(ToolRule::risk).isPresent();
    out.println(
        "  risk           "
            + decision.risk()
            + (ruleSetsRisk
                ? " (set by the deciding rule)"
                : flags.option("risk").isPresent()
                    ? " (declared)"
                    : " (the policy's default_risk, as for a framework"
                        + " annotation, which states none; give --risk for the risk a tool's annotation states)"));
    out.println(
        "  deciding rule  "
            + evaluation
                .deciding()
                .map(ExplainCommand::describe)
                .orElse(
                    "unlisted_tools: "
                        + policy.unlisted().label()
                        + (policy.unlistedAt().isPresent()
                            ? " at " + policy.unlistedRule()
                            : " (the default)")));
    out.println(
        "  reason         "
            + decision.reason()
            + (decision.outcome() == Outcome.ASK && decision.verdict() != Verdict.ASK
                ? "; risk " + decision.risk() + " needs a person's approval"
                : ""));
    if (flags.option("classpath").isPresent()) {
      List<io.toolguard.agent.guard.ToolMethod> methods =
          ClassPathTools.read(flags.option("classpath").get(), policy).named(tool);
      out.println(
          "  parameters     "
              + (methods.isEmpty()
                  ? "no tool '" + tool + "' was found on the class path"
                  : ClassPathTools.parameters(methods)));
      ToolArguments given = arguments(flags.all("arg"));
      for (String name : given.names()) {
        if (!methods.isEmpty()
            && methods.stream().noneMatch(method -> method.parameterNames().contains(name))) {
          out.println("  note           --arg " + name + " names no parameter of the tool");
        }
      }
    }
    for (Evaluation.Outranked other : evaluation.outranked()) {
      out.println(
          "  also matched   "
              + describe(other.rule())
              + (other.why().startsWith("its condition") ? ": does not apply, " : ": lost, ")
              + other.why());
    }
    if (operation != null) {
      String target = flags.option(PolicyCase.TARGETS.get(operation)).orElseThrow();
      AccessDecision access = Operations.decide(policy, decision, operation, target);
      out.println(operation + " " + target + ": " + access.outcome().label());
      out.println("  reason         " + access.reason());
    }
    return Cli.OK;
  }

  /**
   * {@return the {@code --arg NAME=VALUE} values: a value that reads as a whole number is a Long,
   * one that reads as a decimal a BigDecimal, else a text; paths taken as written}
   */
  static ToolArguments arguments(List<String> given) {
    List<String> names = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (String argument : given) {
      int equals = argument.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "--arg must be NAME=VALUE, such as --arg to=bob@example.com, not '" + argument + "'");
      }
      String value = argument.substring(equals + 1);
      names.add(argument.substring(0, equals));
      values.add(
          value.matches("-?[0-9]{1,18}")
              ? (Object) Long.valueOf(value)
              : value.matches("-?[0-9]+\\.[0-9]+") ? new BigDecimal(value) : value);
    }
    return new ToolArguments(names, values.toArray(), Path::normalize);
  }

  private static String describe(ToolRule rule) {
    return rule.location().rule()
        + " '"
        + rule.pattern()
        + "' ("
        + rule.verdict().label()
        + rule.risk().map(risk -> ", risk " + risk).orElse("")
        + (rule.grants().withholdsSecretResults() ? ", withholds results holding secrets" : "")
        + (rule.conditions().isEmpty()
            ? ""
            : ", when "
                + String.join(
                    " and ", rule.conditions().stream().map(ArgumentCondition::describe).toList()))
        + ")";
  }
}
