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
import java.util.List;

/** {@code validate POLICY...}: checks policy files before they go live. */
final class ValidateCommand implements Command {

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: java -jar toolguard-agent.jar validate POLICY...",
        "Checks each policy file and prints file:line:column: message for every problem, and",
        "file:line:column: warning: message for rules that can never decide, for very broad grants",
        "and for toolguard's own files (the policy, its includes, the token file) inside the sandbox.",
        "Exit status 0 when all are valid (warnings or not), 1 otherwise.");
  }

  @Override
  public int run(List<String> files, PrintStream out, PrintStream err) {
    if (files.isEmpty()) {
      err.println(usage());
      return Cli.USAGE;
    }
    int status = Cli.OK;
    for (String file : files) {
      try {
        Policy policy = PolicyParser.parse(Path.of(file));
        for (PolicyProblem warning : PolicyLint.warnings(policy)) {
          err.println(warning.location() + ": warning: " + warning.message());
        }
        RulesetPlanner.notHanded(policy)
            .forEach(
                (rule, dropped) ->
                    dropped.forEach(
                        why ->
                            err.println(
                                rule.location()
                                    + ": warning: processes tool rule '"
                                    + rule.pattern()
                                    + "' starts do not get its "
                                    + why)));
        out.println(
            file
                + ": valid ("
                + policy.tools().size()
                + " tool rules, mode "
                + policy.mode().label()
                + ", sandbox "
                + policy.sandbox()
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
