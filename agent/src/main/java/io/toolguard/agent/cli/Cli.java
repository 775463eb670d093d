package io.toolguard.agent.cli;

import io.toolguard.agent.options.Version;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The agent jar as a command-line tool: {@code java -jar toolguard-agent.jar COMMAND}. */
public final class Cli {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("validate", new ValidateCommand());
    COMMANDS.put("explain", new ExplainCommand());
    COMMANDS.put("test", new TestCommand());
    COMMANDS.put("suggest", new SuggestCommand());
    COMMANDS.put("schema", new SchemaCommand());
    COMMANDS.put("attach", new AttachCommand());
  }

  private static final String USAGE_TEXT =
      String.join(
          "\n",
          "usage: java -jar toolguard-agent.jar COMMAND",
          "",
          "commands:",
          "  validate [--strict] POLICY...  check policy files; file:line:column: message for each problem",
          "  explain POLICY --tool NAME     show what the policy decides for a tool (and a file access), and why",
          "  test POLICY CASES.yaml         check that the policy decides each test case as expected",
          "  suggest AUDIT.jsonl --sandbox D the least-privilege policy that allows what an audit-mode run did",
          "  schema                         print the JSON Schema of the policy format",
          "  attach PID policy=POLICY       guard a JVM that is already running, as -javaagent would",
          "  --version                      print the agent's version",
          "  --help                         print this text; COMMAND --help explains a command",
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
    String name = args.get(0);
    switch (name) {
      case "--version":
        out.println("toolguard " + Version.current());
        return OK;
      case "--help":
      case "-h":
      case "help":
        out.println(USAGE_TEXT);
        return OK;
      default:
        break;
    }
    Command command = COMMANDS.get(name);
    if (command == null) {
      err.println("unknown command '" + name + "'\n\n" + USAGE_TEXT);
      return USAGE;
    }
    List<String> rest = args.subList(1, args.size());
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(command.usage());
      return OK;
    }
    try {
      return command.run(rest, out, err);
    } catch (IllegalArgumentException badArguments) {
      err.println(name + ": " + badArguments.getMessage() + "\n\n" + command.usage());
      return USAGE;
    }
  }
}
