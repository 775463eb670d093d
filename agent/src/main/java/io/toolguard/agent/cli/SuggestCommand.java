package io.toolguard.agent.cli;

import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.policy.Risk;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code suggest AUDIT.jsonl --sandbox DIR}: from an audit-mode run, the least-privilege policy
 * that allows what ran — each tool that ran, at the risk it ran at — with comments saying where
 * each rule came from.
 */
final class SuggestCommand implements Command {

  /** A parameter gets a value list only if its tool ran at least this often, */
  static final int FEWEST_CALLS = 3;

  /** and it took at most this many distinct values. */
  static final int MOST_VALUES = 5;

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: java -jar toolguard-agent.jar suggest AUDIT.jsonl --sandbox DIR [--output FILE]"
            + " [--include-outside]",
        "Reads an audit log (best from a run with mode=audit) and prints the least-privilege policy that",
        "allows what ran: a rule per tool that ran (allow, would-ask or would-deny), at the highest risk it ran at, so",
        "that HIGH and CRITICAL tools still ask for approval. Calls that were denied did not run and get no",
        "rule; tools that did not run stay denied. Each rule grants exactly the files the tool touched (a",
        "folder with three or more gets folder/*), the commands it ran with their arguments, the",
        "addresses it connected to or listened on, and the environment variables and system properties",
        "it read, and a value list ('when: {param: {one_of: [...]}}') for each argument that took few",
        "distinct values (recorded in audit mode; never values that held a secret). Comments say what",
        "each rule came from. Review the",
        "result: a run that followed a prompt injection puts the injected calls in it too. Files outside",
        "the sandbox (where an injected read of /etc/passwd goes) are not granted, only named in a comment.",
        "  --sandbox DIR        the sandbox root of the suggested policy",
        "  --output FILE        write the policy to FILE (only once the whole log was read), not stdout",
        "  --include-outside    grant files outside the sandbox too, each flagged by a comment",
        "Exit status 0 when a policy was suggested, 1 when the log cannot be read, 2 for a usage error.");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Flags flags = Flags.parse(args, List.of("sandbox", "output"), List.of("include-outside"));
    if (flags.positional().size() != 1) {
      throw new IllegalArgumentException("give exactly one audit log");
    }
    Path sandbox =
        ObservedFiles.real(
            Path.of(
                flags
                    .option("sandbox")
                    .orElseThrow(() -> new IllegalArgumentException("--sandbox DIR is required"))));
    Path log = Path.of(flags.positional().get(0));
    boolean outside = flags.has("include-outside");
    Map<String, Observed> tools = new LinkedHashMap<>();
    int calls = 0;
    try {
      for (Map<String, String> line : AuditLogReader.read(log)) {
        boolean ran = Decision.named(line.get("decision")).map(Decision::ran).orElse(false);
        if (ran && line.get("event") == null) {
          calls++;
          tools.computeIfAbsent(line.get("tool"), name -> new Observed(outside)).add(line);
        } else if (ran && "file".equals(line.get("event"))) {
          tools.computeIfAbsent(line.get("tool"), name -> new Observed(outside)).files.add(line);
        } else if (ran && List.of("exec", "net", "env").contains(line.get("event"))) {
          tools.computeIfAbsent(line.get("tool"), name -> new Observed(outside)).reach.add(line);
        }
      }
    } catch (IOException unreadable) {
      err.println(unreadable.getMessage());
      return Cli.FAILED;
    }
    String policy = policy(log, sandbox, calls, tools);
    Optional<String> output = flags.option("output");
    if (output.isEmpty()) {
      out.print(policy);
      return Cli.OK;
    }
    try {
      Files.writeString(Path.of(output.get()), policy, StandardCharsets.UTF_8);
    } catch (IOException | InvalidPathException unwritable) {
      err.println(output.get() + ": cannot write the suggested policy: " + unwritable.getMessage());
      return Cli.FAILED;
    }
    err.println("suggest: wrote " + output.get());
    return Cli.OK;
  }

  private static String policy(Path log, Path sandbox, int calls, Map<String, Observed> tools) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("# yaml-language-server: $schema=toolguard-policy.schema.json\n");
    yaml.append("# Suggested by toolguard from ")
        .append(log)
        .append(": ")
        .append(calls)
        .append(" calls of ")
        .append(tools.size())
        .append(" tools ran.\n");
    yaml.append(
        "# Review it before use: it allows everything that ran, including anything that should not have.\n");
    yaml.append("version: 1\n");
    yaml.append("sandbox: ").append(quoted(sandbox.toString())).append('\n');
    yaml.append("unlisted_tools: deny\n");
    yaml.append(tools.isEmpty() ? "tools: {}\n" : "tools:\n");
    tools.forEach(
        (name, observed) -> {
          yaml.append("  # ").append(observed.summary()).append('\n');
          if (name == null
              || name.isEmpty()
              || name.contains("*")
              || name.chars().anyMatch(Character::isWhitespace)) {
            yaml.append("  # a tool named ")
                .append(quoted(String.valueOf(name)))
                .append(" cannot be named exactly in a policy, so it gets no rule\n");
            return;
          }
          if (observed.wouldDeny == observed.times.size()) {
            yaml.append(
                "  # note: it ran only because of audit mode; the policy of that run denied every call\n");
          }
          if (observed.risk.needsApproval()) {
            yaml.append("  # at risk ")
                .append(observed.risk)
                .append(
                    " each call waits for a person's approval: give the policy an"
                        + " 'approval:' channel, or it is denied\n");
          }
          yaml.append("  ")
              .append(name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*") ? name : quoted(name))
              .append(":\n");
          yaml.append("    decision: allow\n");
          yaml.append("    risk: ").append(observed.risk).append('\n');
          observed.appendValueLists(yaml);
          observed.files.appendTo(yaml, sandbox);
          observed.reach.appendTo(yaml);
        });
    return yaml.toString();
  }

  static String quoted(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** What the log says about one tool's calls. */
  private static final class Observed {
    private final TreeSet<String> methods = new TreeSet<>();
    private final List<String> times = new ArrayList<>();
    private final ObservedFiles files;
    private final ObservedReach reach = new ObservedReach();
    private Risk risk = Risk.LOW;
    private int wouldDeny;

    /** Each parameter's distinct values, and in how many calls it had one recorded. */
    private final Map<String, TreeSet<String>> values = new LinkedHashMap<>();

    private final Map<String, Integer> valued = new LinkedHashMap<>();

    /**
     * Writes a {@code when} with a value list for each parameter that took few distinct values:
     * recorded in every call (none was long, an object or held a secret), at least {@value
     * #FEWEST_CALLS} calls, at most {@value #MOST_VALUES} values, each seen twice on average.
     */
    void appendValueLists(StringBuilder yaml) {
      List<String> lists = new ArrayList<>();
      values.forEach(
          (parameter, seen) -> {
            int calls = times.size();
            if (valued.get(parameter) == calls
                && calls >= FEWEST_CALLS
                && seen.size() <= MOST_VALUES
                && seen.size() * 2 <= calls
                && parameter.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
              lists.add(
                  "      "
                      + parameter
                      + ": {one_of: ["
                      + String.join(", ", seen.stream().map(SuggestCommand::quoted).toList())
                      + "]}   # "
                      + seen.size()
                      + (seen.size() == 1 ? " value" : " values")
                      + " in "
                      + calls
                      + " calls\n");
            }
          });
      if (!lists.isEmpty()) {
        yaml.append(
            "    # the values these arguments took in that run; a call with another value is not"
                + " allowed by this rule\n");
        yaml.append("    when:\n");
        lists.forEach(yaml::append);
      }
    }

    Observed(boolean includeOutside) {
      files = new ObservedFiles(includeOutside);
    }

    void add(Map<String, String> line) {
      line.forEach(
          (field, value) -> {
            if (field.startsWith("values.")) {
              values
                  .computeIfAbsent(field.substring("values.".length()), name -> new TreeSet<>())
                  .add(value);
              valued.merge(field.substring("values.".length()), 1, Integer::sum);
            }
          });
      methods.add(String.valueOf(line.get("method")));
      times.add(String.valueOf(line.get("time")));
      // An unknown risk name is treated as the most dangerous, as the agent does.
      Risk seen = Risk.named(String.valueOf(line.get("risk"))).orElse(Risk.CRITICAL);
      risk = seen.compareTo(risk) > 0 ? seen : risk;
      wouldDeny += Decision.named(line.get("decision")).orElse(null) == Decision.WOULD_DENY ? 1 : 0;
    }

    String summary() {
      String when =
          times.size() == 1
              ? "at " + times.get(0)
              : times.get(0) + " to " + times.get(times.size() - 1);
      return times.size()
          + (times.size() == 1 ? " call" : " calls")
          + " of "
          + String.join(", ", methods)
          + ", "
          + when
          + ", highest risk "
          + risk;
    }
  }
}
