package io.toolguard.agent.cli;

import io.toolguard.agent.Version;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyException;
import io.toolguard.agent.policy.PolicyParser;
import io.toolguard.agent.policy.Verdict;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The agent jar as a command-line tool: {@code java -jar toolguard-agent.jar COMMAND}. */
public final class Cli {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final String USAGE_TEXT = String.join("\n",
      "usage: java -jar toolguard-agent.jar COMMAND",
      "",
      "commands:",
      "  validate POLICY...   check policy files; prints file:line:column: message for each problem",
      "  --version            print the agent's version",
      "  --help               print this text",
      "",
      "To guard an application: java -javaagent:toolguard-agent.jar=policy=POLICY -jar app.jar");

  private Cli() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    switch (args.get(0)) {
      case "--version":
        out.println("toolguard " + Version.current());
        return OK;
      case "--help":
      case "-h":
      case "help":
        out.println(USAGE_TEXT);
        return OK;
      case "validate":
        return validate(args.subList(1, args.size()), out, err);
      default:
        err.println("unknown command '" + args.get(0) + "'\n\n" + USAGE_TEXT);
        return USAGE;
    }
  }

  private static int validate(List<String> files, PrintStream out, PrintStream err) {
    if (files.isEmpty() || files.contains("--help")) {
      (files.isEmpty() ? err : out).println("usage: java -jar toolguard-agent.jar validate POLICY...\n"
          + "Checks each policy file and prints file:line:column: message for every problem.\n"
          + "Exit status 0 when all are valid, 1 otherwise.");
      return files.isEmpty() ? USAGE : OK;
    }
    int status = OK;
    for (String file : files) {
      try {
        Policy policy = PolicyParser.parse(Path.of(file));
        out.println(file + ": valid (" + policy.tools().size() + " tool rules, mode " + policy.mode().label()
            + ", sandbox " + policy.sandbox() + ", unlisted tools "
            + (policy.unlisted() == Verdict.DENY ? "denied" : "allowed") + ")");
      } catch (PolicyException invalid) {
        err.println(invalid.getMessage());
        status = FAILED;
      } catch (InvalidPathException badPath) {
        err.println(file + ":1:1: not a valid path: " + badPath.getReason());
        status = FAILED;
      }
    }
    return status;
  }
}
