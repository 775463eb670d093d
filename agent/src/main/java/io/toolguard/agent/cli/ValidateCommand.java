package io.toolguard.agent.cli;

import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyLint;
import io.toolguard.agent.policy.read.PolicyParser;
import io.toolguard.agent.policy.read.PolicyProblem;
import io.toolguard.agent.sandbox.RulesetPlanner;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code validate [--base] [--strict] POLICY...}: checks policy files before they go live. */
final class ValidateCommand implements Command {

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: java -jar toolguard-agent.jar validate [--base] [--strict] [--classpath CP] POLICY...",
        "Checks each policy file and prints file:line:column: message for every problem, and",
        "file:line:column: warning: message for rules that can never decide, for very broad grants",
        "and for toolguard's own files (the policy, its includes, the token file) inside the sandbox.",
        "  --base     check each file as a company baseline that policies include: its sandbox may be",
        "             left to them",
        "  --strict   treat warnings as problems (exit status 1), for CI",
        "  --classpath CP  the application's jars and folders (separated by "
            + java.io.File.pathSeparator
            + "), frameworks included:",
        "             its tools' class files are read (no class is loaded) and a condition on a",
        "             parameter that no tool its rule names has is a warning",
        "Exit status 0 when all are valid (with --strict: and warn of nothing), 1 otherwise, 2 for a",
        "usage error.");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Flags flags = Flags.parse(args, List.of("classpath"), List.of("base", "strict"));
    List<String> files = flags.positional();
    if (files.isEmpty()) {
      throw new IllegalArgumentException("give at least one policy file");
    }
    boolean base = flags.has("base");
    boolean strict = flags.has("strict");
    int status = Cli.OK;
    for (String file : files) {
      try {
        Policy policy =
            base ? PolicyParser.parseBase(Path.of(file)) : PolicyParser.parse(Path.of(file));
        List<PolicyProblem> warnings = PolicyLint.warnings(policy);
        for (PolicyProblem warning : warnings) {
          err.println(warning.location() + ": warning: " + warning.message());
        }
        List<String> notHanded = new ArrayList<>();
        RulesetPlanner.notHanded(policy)
            .forEach(
                (rule, dropped) ->
                    dropped.forEach(
                        why ->
                            notHanded.add(
                                rule.location()
                                    + ": warning: processes tool rule '"
                                    + rule.pattern()
                                    + "' starts do not get its "
                                    + why)));
        notHanded.forEach(err::println);
        List<String> parameters =
            flags
                .option("classpath")
                .map(classPath -> ClassPathTools.read(classPath, policy).conditionWarnings(policy))
                .orElse(List.of());
        parameters.forEach(err::println);
        int warned = warnings.size() + notHanded.size() + parameters.size();
        if (strict && warned > 0) {
          err.println(
              file
                  + ": "
                  + warned
                  + (warned == 1 ? " warning" : " warnings")
                  + ", which --strict counts as problems");
          status = Cli.FAILED;
          continue;
        }
        out.println(
            file
                + ": valid "
                + (base ? "baseline " : "")
                + "("
                + policy.tools().size()
                + " tool rules, mode "
                + policy.mode().label()
                + ", sandbox "
                + (policy.sandbox().equals(PolicyParser.NO_SANDBOX)
                    ? "left to the including policy"
                    : policy.sandbox())
                + ", unlisted tools "
                + policy.unlisted().participle()
                + ")");
      } catch (PolicyException invalid) {
        err.println(invalid.getMessage());
        status = Cli.FAILED;
      } catch (InvalidPathException badPath) {
        err.println(file + ":1:1: not a valid path: " + badPath.getReason());
        status = Cli.FAILED;
      }
    }
    return status;
  }
}
