package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.ArgumentCondition;
import io.toolguard.agent.policy.Budget;
import io.toolguard.agent.policy.EnvGrants;
import io.toolguard.agent.policy.ExecGrant;
import io.toolguard.agent.policy.FileGrants;
import io.toolguard.agent.policy.Grants;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.NetGrants;
import io.toolguard.agent.policy.NetPattern;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.PathGlob;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.SandboxMode;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code tools} section of a policy: one rule per tool name or glob, with its decision, risk
 * and grants of files, commands, network and environment. Every problem is collected in the reader
 * with its line and column, as the rest of the policy's are.
 */
final class RuleSection {

  private static final List<String> RULE_KEYS =
      List.of(
          "decision",
          "risk",
          "files",
          "exec",
          "net",
          "env",
          "when",
          "budget",
          "exec_sandbox",
          "withhold_secret_results");
  private static final List<String> BUDGET_KEYS = List.of("calls", "per", "then", "message");

  /** A budget's calls are remembered one by one: more than this is a mistake. */
  static final int MOST_CALLS = 100_000;

  private static final List<String> ENV_KEYS = List.of("variables", "properties");
  private static final List<String> NET_KEYS = List.of("connect", "listen", "ask");
  private static final List<String> NET_ASK_KEYS = List.of("connect", "listen");
  private static final List<String> EXEC_KEYS = List.of("command", "args", "ask");
  private static final List<String> FILE_KEYS = List.of("read", "write", "delete", "ask");
  private static final List<String> ASK_KEYS = List.of("read", "write", "delete");

  private final StrictYaml yaml;

  RuleSection(StrictYaml yaml) {
    this.yaml = yaml;
  }

  /** {@return the rules under {@code tools}, each checked; problems are collected in the reader} */
  List<ToolRule> read(YamlEntry entry) {
    List<ToolRule> rules = new ArrayList<>();
    if (entry == null || StrictYaml.isNull(entry.value())) {
      return rules;
    }
    YamlNode value = entry.value();
    if (!(value instanceof YamlMap mapping)) {
      yaml.problem(
          value,
          "'tools' must map tool names to rules, e.g. 'read_file: {decision: allow}', not "
              + StrictYaml.describe(value));
      return rules;
    }
    Map<String, YamlNode> seen = new HashMap<>();
    for (YamlEntry tuple : mapping.getValue()) {
      String name = yaml.string(tuple.key(), "a tool name", "a tool name or a '*' glob");
      if (name == null) {
        continue;
      }
      YamlNode first = seen.putIfAbsent(name, tuple.key());
      if (first != null) {
        yaml.problem(
            tuple.key(),
            "duplicate rule for tool '"
                + name
                + "' (first at line "
                + yaml.at(first).line()
                + "); merge them into one rule");
        continue;
      }
      Optional<ToolNames.Hidden> hidden = ToolNames.hidden(name);
      if (hidden.isPresent()) {
        Location key = yaml.at(tuple.key());
        boolean plain = tuple.key() instanceof YamlScalar scalar && scalar.isPlain();
        yaml.problem(
            new Location(key.file(), key.line(), key.column() + (plain ? hidden.get().index() : 0)),
            "tool name '"
                + ToolNames.shown(name)
                + "' holds "
                + hidden.get().describe()
                + ", which does not show as itself (character "
                + (hidden.get().index() + 1)
                + " of the name), so the rule would match no tool whose name reads the same;"
                + " type the name again with plain characters");
        continue;
      }
      if (!validToolPattern(name)) {
        yaml.problem(
            tuple.key(),
            "tool name '"
                + name
                + "' is not valid; use the tool's name or a glob with '*', without spaces or control characters");
        continue;
      }
      if (tuple.value() instanceof YamlList alternatives && !alternatives.getValue().isEmpty()) {
        // several rules for one tool, each with its own conditions
        int ordinal = 0;
        for (YamlNode item : alternatives.getValue()) {
          add(rules, rule(name, item, item, ordinal++));
        }
      } else {
        add(rules, rule(name, tuple.key(), tuple.value(), 0));
      }
    }
    return rules;
  }

  // Plain code in this class where a lambda or method reference would be spun into a class on
  // every start-up (the JVM does it in the interpreter, one call site at a time).
  private static void add(List<ToolRule> rules, Optional<ToolRule> rule) {
    if (rule.isPresent()) {
      rules.add(rule.get());
    }
  }

  private static boolean validToolPattern(String name) {
    return !name.isEmpty() && !hasSpaceOrControl(name);
  }

  /** Whether a text holds a whitespace or control character (UTF-16 units, as before). */
  private static boolean hasSpaceOrControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads one rule for the tool (or glob) {@code name}.
   *
   * @param at where the rule is cited from: its name, or its item in a list of rules
   * @param ordinal its place in the list of rules for {@code name}, 0 for the only one
   */
  private Optional<ToolRule> rule(String name, YamlNode at, YamlNode value, int ordinal) {
    Map<String, YamlEntry> keys = yaml.mapping(value, "tool rule '" + name + "'", RULE_KEYS);
    if (keys == null) {
      return Optional.empty();
    }
    YamlEntry decisionEntry = keys.get("decision");
    if (decisionEntry == null) {
      yaml.problem(
          value,
          "tool rule '" + name + "' needs 'decision: allow', 'decision: ask' or 'decision: deny'");
    }
    Optional<Verdict> verdict =
        yaml.enumValue(
            decisionEntry,
            "decision",
            Verdict.named(StrictYaml.word(decisionEntry)),
            "allow, ask or deny");
    Optional<Risk> risk =
        yaml.enumValue(
            keys.get("risk"),
            "risk",
            Risk.named(StrictYaml.word(keys.get("risk"))),
            "LOW, MEDIUM, HIGH or CRITICAL");
    FileGrants files = files(name, keys.get("files"));
    List<ExecGrant> exec = exec(keys.get("exec"));
    NetGrants net = net(name, keys.get("net"));
    EnvGrants env = env(name, keys.get("env"));
    List<ArgumentCondition> conditions = new ConditionSection(yaml).read(name, keys.get("when"));
    Optional<Budget> budget =
        budget("'budget' of tool rule '" + name + "'", name + "#" + ordinal, keys.get("budget"));
    boolean withholds =
        keys.containsKey("withhold_secret_results")
            && yaml.bool(keys.get("withhold_secret_results"));
    Optional<SandboxMode> execSandbox =
        yaml.enumValue(
            keys.get("exec_sandbox"),
            "exec_sandbox",
            SandboxMode.named(StrictYaml.word(keys.get("exec_sandbox"))),
            "kernel, off or required (\"off\" quoted or not)");
    if (verdict.orElse(null) == Verdict.DENY) {
      for (String grantKey :
          List.of(
              "risk",
              "files",
              "exec",
              "net",
              "env",
              "budget",
              "exec_sandbox",
              "withhold_secret_results")) {
        if (keys.containsKey(grantKey)) {
          yaml.problem(
              keys.get(grantKey).key(),
              "tool rule '"
                  + name
                  + "' denies the tool, so '"
                  + grantKey
                  + "' has no effect; remove it or change the decision to allow");
        }
      }
    }
    if (verdict.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ToolRule(
            name,
            verdict.get(),
            risk,
            new Grants(files, exec, net, env, execSandbox, withholds),
            yaml.at(at),
            conditions,
            budget));
  }

  /**
   * {@return the rule's budget: {@code calls} (required), {@code per} (a window such as 1m; none
   * for the whole run), {@code then} (deny, the default, or ask) and {@code message}}
   */
  Optional<Budget> budget(String what, String key, YamlEntry entry) {
    if (entry == null) {
      return Optional.empty();
    }
    Map<String, YamlEntry> keys = yaml.mapping(entry.value(), what, BUDGET_KEYS);
    if (keys == null) {
      return Optional.empty();
    }
    YamlEntry callsEntry = keys.get("calls");
    Integer calls = null;
    if (callsEntry == null) {
      yaml.problem(entry.value(), what + " needs 'calls', such as 'calls: 20'");
    } else if (callsEntry.value() instanceof YamlScalar scalar
        && StrictYaml.isSmallNumber(scalar.getValue())
        && Integer.parseInt(scalar.getValue()) <= MOST_CALLS) {
      calls = Integer.parseInt(scalar.getValue());
    } else {
      yaml.problem(
          callsEntry.value(),
          "'calls' must be a whole number from 1 to "
              + MOST_CALLS
              + ", not "
              + StrictYaml.describe(callsEntry.value()));
    }
    Optional<java.time.Duration> per = Optional.empty();
    if (keys.containsKey("per")) {
      YamlNode value = keys.get("per").value();
      java.time.Duration window =
          value instanceof YamlScalar scalar ? StrictYaml.duration(scalar.getValue()) : null;
      if (window != null) {
        per = Optional.of(window);
      } else {
        yaml.problem(
            value,
            "'per' must be a number with s, m or h, such as 1m or 24h (leave it out for a budget"
                + " per run), not "
                + StrictYaml.describe(value));
      }
    }
    Optional<Outcome> then = Outcome.named(StrictYaml.word(keys.get("then")));
    Optional<Outcome> past =
        keys.containsKey("then")
            ? yaml.enumValue(
                keys.get("then"),
                "then",
                then.isPresent() && then.get() != Outcome.ALLOW ? then : Optional.empty(),
                "deny or ask")
            : Optional.of(Outcome.DENY);
    Optional<String> message =
        keys.get("message") == null
            ? Optional.empty()
            : Optional.ofNullable(
                yaml.string(
                    keys.get("message").value(),
                    "'message'",
                    "a text the model reads when denied"));
    if (calls == null || past.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Budget(
            calls,
            per,
            past.get(),
            message,
            yaml.at(entry.key()),
            key + " " + calls + "/" + (per.isPresent() ? per.get().toString() : "run")));
  }

  private NetGrants net(String tool, YamlEntry entry) {
    Map<String, YamlEntry> keys = section(entry, "'net' of tool rule '" + tool + "'", NET_KEYS);
    Map<String, YamlEntry> asks =
        section(keys.get("ask"), "'net.ask' of tool rule '" + tool + "'", NET_ASK_KEYS);
    return new NetGrants(
        hostPorts(keys.get("connect")),
        hostPorts(keys.get("listen")),
        hostPorts(asks.get("connect")),
        hostPorts(asks.get("listen")));
  }

  /**
   * {@return the entries of a mapping of known keys; none when it is absent or not a mapping (a
   * problem then)}
   */
  private Map<String, YamlEntry> section(YamlEntry entry, String what, List<String> keys) {
    Map<String, YamlEntry> entries = entry == null ? null : yaml.mapping(entry.value(), what, keys);
    return entries == null ? Map.of() : entries;
  }

  private EnvGrants env(String tool, YamlEntry entry) {
    Map<String, YamlEntry> keys = section(entry, "'env' of tool rule '" + tool + "'", ENV_KEYS);
    return new EnvGrants(
        names(keys.get("variables"), "variable names such as [\"LANG\", \"APP_*\"]"),
        names(keys.get("properties"), "system property names such as [\"user.home\", \"app.*\"]"));
  }

  private List<String> names(YamlEntry entry, String example) {
    return yaml.strings(entry, "a list of " + example, "a name", "a quoted name or pattern", NAME);
  }

  private static final Name NAME = new Name();
  private static final Verbatim VERBATIM = new Verbatim();
  private static final HostPorts HOST_PORTS = new HostPorts();
  private static final Globs GLOBS = new Globs();

  /** An environment variable's or system property's name or pattern: no spaces. */
  private static final class Name implements Function<String, String> {
    @Override
    public String apply(String name) {
      boolean space = false;
      for (int i = 0; i < name.length(); i++) {
        space |= Character.isWhitespace(name.charAt(i));
      }
      if (name.isEmpty() || space) {
        throw new IllegalArgumentException(
            "'"
                + name
                + "' is not a name; write it without spaces, '*' matching any"
                + " run of characters");
      }
      return name;
    }
  }

  /** A command's argument pattern, as written. */
  private static final class Verbatim implements Function<String, String> {
    @Override
    public String apply(String pattern) {
      return pattern;
    }
  }

  private static final class HostPorts implements Function<String, NetPattern> {
    @Override
    public NetPattern apply(String text) {
      return NetPattern.of(text);
    }
  }

  private static final class Globs implements Function<String, PathGlob> {
    @Override
    public PathGlob apply(String text) {
      return PathGlob.of(text);
    }
  }

  private List<NetPattern> hostPorts(YamlEntry entry) {
    return yaml.strings(
        entry,
        "a list of HOST:PORT or unix:GLOB patterns, e.g. [\"api.example.com:443\"]",
        "a pattern",
        "a quoted HOST:PORT such as \"api.example.com:443\", or unix:GLOB such as"
            + " \"unix:/run/app.sock\"",
        HOST_PORTS);
  }

  private List<ExecGrant> exec(YamlEntry entry) {
    List<ExecGrant> grants = new ArrayList<>();
    if (entry == null) {
      return grants;
    }
    if (!(entry.value() instanceof YamlList list)) {
      yaml.problem(
          entry.value(),
          "'exec' must be a list of commands, e.g. [\"git\"] or"
              + " [{command: git, args: [\"status\"]}], not "
              + StrictYaml.describe(entry.value()));
      return grants;
    }
    for (YamlNode item : list.getValue()) {
      if (item instanceof YamlScalar) {
        String command = command(item);
        if (command != null) {
          grants.add(new ExecGrant(command, Optional.empty(), false));
        }
        continue;
      }
      Map<String, YamlEntry> keys = yaml.mapping(item, "an 'exec' entry", EXEC_KEYS);
      if (keys == null) {
        continue;
      }
      if (keys.get("command") == null) {
        yaml.problem(
            item,
            "an 'exec' entry needs 'command': a bare name found on PATH, or an absolute path");
        continue;
      }
      String command = command(keys.get("command").value());
      Optional<List<String>> args =
          keys.get("args") == null
              ? Optional.empty()
              : Optional.of(argumentPatterns(keys.get("args")));
      boolean ask = keys.get("ask") != null && yaml.bool(keys.get("ask"));
      if (command != null) {
        grants.add(new ExecGrant(command, args, ask));
      }
    }
    return grants;
  }

  /**
   * {@return a bare name, or an absolute path stored as its real path; null (and a problem)
   * otherwise}
   */
  private String command(YamlNode node) {
    String command =
        yaml.string(
            node, "a command", "a bare name such as git, or an absolute path such as /usr/bin/git");
    if (command == null) {
      return null;
    }
    if (command.isEmpty() || hasSpaceOrControl(command)) {
      yaml.problem(
          node,
          "command '"
              + command
              + "' must be one executable, without spaces; put its arguments under"
              + " 'args'");
      return null;
    }
    if (command.contains("/") && !command.startsWith("/")) {
      yaml.problem(
          node,
          "command '"
              + command
              + "' is a relative path; give a bare name found on PATH, or an absolute"
              + " path");
      return null;
    }
    return command.startsWith("/")
        ? PolicyParser.realIfExists(Path.of(command).normalize()).toString()
        : command;
  }

  private List<String> argumentPatterns(YamlEntry entry) {
    return yaml.strings(
        entry,
        "a list of patterns over the arguments joined by spaces, e.g. [\"status\", \"log *\"]",
        "a pattern",
        "a quoted pattern such as \"log *\"",
        VERBATIM);
  }

  private FileGrants files(String tool, YamlEntry entry) {
    Map<String, YamlEntry> keys = section(entry, "'files' of tool rule '" + tool + "'", FILE_KEYS);
    Map<String, YamlEntry> asks =
        section(keys.get("ask"), "'files.ask' of tool rule '" + tool + "'", ASK_KEYS);
    return new FileGrants(
        globs(keys.get("read")),
        globs(keys.get("write")),
        globs(keys.get("delete")),
        globs(asks.get("read")),
        globs(asks.get("write")),
        globs(asks.get("delete")));
  }

  private List<PathGlob> globs(YamlEntry entry) {
    return yaml.strings(
        entry,
        "a list of globs relative to the sandbox root, e.g. [\"data/**\"]",
        "a glob",
        "a quoted glob such as \"data/**\"",
        GLOBS);
  }
}
