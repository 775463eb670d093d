package io.toolguard.agent.policy;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a policy file (YAML, {@code version: 1}) and reports every problem it finds with file,
 * line and column. Strict by design: an unknown key, a value of the wrong type or a duplicate rule
 * is an error, because a typo in a security policy must never silently change what it means.
 */
public final class PolicyParser {

  private static final List<String> TOP_KEYS = List.of("version", "mode", "sandbox", "unlisted_tools", "tools");
  private static final List<String> RULE_KEYS = List.of("decision", "risk", "files");
  private static final List<String> FILE_KEYS = List.of("read", "write", "delete");

  private final String source;
  private final Path folder;
  private final StrictYaml yaml;

  private PolicyParser(String source, Path folder) {
    this.source = source;
    this.folder = folder;
    this.yaml = new StrictYaml(source);
  }

  /**
   * Reads and checks a policy file.
   *
   * @param file the file as the user named it; messages use this spelling
   * @throws PolicyException listing every problem, each with file, line and column
   */
  public static Policy parse(Path file) throws PolicyException {
    String source = file.toString();
    return new PolicyParser(source, file.toAbsolutePath().normalize().getParent())
        .parse(StrictYaml.read(source, file, "policy file"));
  }

  /** Checks policy text as if it had been read from {@code source} in {@code folder}. */
  static Policy parse(String source, Path folder, String text) throws PolicyException {
    return new PolicyParser(source, folder).parse(text);
  }

  private Policy parse(String text) throws PolicyException {
    Node root = yaml.compose(text);
    if (root == null) {
      yaml.problem(new Location(source, 1, 1),
          "the policy is empty; it must start with 'version: 1' and set at least 'sandbox'");
      yaml.throwIfAny();
    }
    Map<String, NodeTuple> top = yaml.mapping(root, "the policy", TOP_KEYS);
    if (top == null) {
      yaml.throwIfAny();
    }
    checkVersion(top.get("version"), root);
    Mode mode = yaml.enumValue(top.get("mode"), "mode", Mode::named, "enforce or audit").orElse(Mode.ENFORCE);
    Path sandbox = sandbox(top.get("sandbox"), root);
    NodeTuple unlistedEntry = top.get("unlisted_tools");
    Verdict unlisted = yaml.enumValue(unlistedEntry, "unlisted_tools", Verdict::named, "allow or deny").orElse(Verdict.DENY);
    Optional<Location> unlistedAt = Optional.ofNullable(unlistedEntry).map(entry -> yaml.at(entry.getKeyNode()));
    List<ToolRule> rules = tools(top.get("tools"));
    yaml.throwIfAny();
    return new Policy(source, mode, sandbox, unlisted, unlistedAt, rules);
  }

  private void checkVersion(NodeTuple entry, Node root) {
    if (entry == null) {
      yaml.problem(root, "missing 'version'; this agent reads 'version: 1'");
      return;
    }
    Node value = entry.getValueNode();
    if (!(value instanceof ScalarNode scalar) || !Tag.INT.equals(value.getTag()) || !scalar.getValue().equals("1")) {
      yaml.problem(value, "unsupported version " + StrictYaml.describe(value) + "; this agent reads 'version: 1'");
    }
  }

  private Path sandbox(NodeTuple entry, Node root) {
    if (entry == null) {
      yaml.problem(root, "missing 'sandbox': the folder tools may work in, absolute or relative to this policy's folder");
      return null;
    }
    String text = yaml.string(entry.getValueNode(), "sandbox", "a folder path");
    if (text == null) {
      return null;
    }
    if (text.isBlank()) {
      yaml.problem(entry.getValueNode(), "'sandbox' cannot be empty; write \".\" for this policy's own folder");
      return null;
    }
    try {
      return folder.resolve(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      yaml.problem(entry.getValueNode(), "'sandbox' is not a valid path: " + e.getReason());
      return null;
    }
  }

  private List<ToolRule> tools(NodeTuple entry) {
    List<ToolRule> rules = new ArrayList<>();
    if (entry == null || StrictYaml.isNull(entry.getValueNode())) {
      return rules;
    }
    Node value = entry.getValueNode();
    if (!(value instanceof MappingNode mapping)) {
      yaml.problem(value, "'tools' must map tool names to rules, e.g. 'read_file: {decision: allow}', not " + StrictYaml.describe(value));
      return rules;
    }
    Map<String, Node> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = yaml.string(tuple.getKeyNode(), "a tool name", "a tool name or a '*' glob");
      if (name == null) {
        continue;
      }
      Node first = seen.putIfAbsent(name, tuple.getKeyNode());
      if (first != null) {
        yaml.problem(tuple.getKeyNode(), "duplicate rule for tool '" + name + "' (first at line " + yaml.at(first).line()
            + "); merge them into one rule");
        continue;
      }
      if (!validToolPattern(name)) {
        yaml.problem(tuple.getKeyNode(), "tool name '" + name
            + "' is not valid; use the tool's name or a glob with '*', without spaces or control characters");
        continue;
      }
      rule(name, tuple).ifPresent(rules::add);
    }
    return rules;
  }

  private static boolean validToolPattern(String name) {
    return !name.isEmpty() && name.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
  }

  private Optional<ToolRule> rule(String name, NodeTuple tuple) {
    Map<String, NodeTuple> keys = yaml.mapping(tuple.getValueNode(), "tool rule '" + name + "'", RULE_KEYS);
    if (keys == null) {
      return Optional.empty();
    }
    NodeTuple decisionEntry = keys.get("decision");
    if (decisionEntry == null) {
      yaml.problem(tuple.getValueNode(), "tool rule '" + name + "' needs 'decision: allow' or 'decision: deny'");
    }
    Optional<Verdict> verdict = yaml.enumValue(decisionEntry, "decision", Verdict::named, "allow or deny");
    Optional<Risk> risk = yaml.enumValue(keys.get("risk"), "risk", Risk::named, "LOW, MEDIUM, HIGH or CRITICAL");
    FileGrants files = files(name, keys.get("files"));
    if (verdict.orElse(null) == Verdict.DENY) {
      for (String grantKey : List.of("risk", "files")) {
        if (keys.containsKey(grantKey)) {
          yaml.problem(keys.get(grantKey).getKeyNode(), "tool rule '" + name + "' denies the tool, so '" + grantKey
              + "' has no effect; remove it or change the decision to allow");
        }
      }
    }
    return verdict.map(v -> new ToolRule(name, v, risk, files, yaml.at(tuple.getKeyNode())));
  }

  private FileGrants files(String tool, NodeTuple entry) {
    if (entry == null) {
      return FileGrants.NONE;
    }
    Map<String, NodeTuple> keys = yaml.mapping(entry.getValueNode(), "'files' of tool rule '" + tool + "'", FILE_KEYS);
    if (keys == null) {
      return FileGrants.NONE;
    }
    return new FileGrants(globs(keys.get("read")), globs(keys.get("write")), globs(keys.get("delete")));
  }

  private List<PathGlob> globs(NodeTuple entry) {
    List<PathGlob> globs = new ArrayList<>();
    if (entry == null) {
      return globs;
    }
    String key = ((ScalarNode) entry.getKeyNode()).getValue();
    Node value = entry.getValueNode();
    if (!(value instanceof SequenceNode list)) {
      yaml.problem(value, "'" + key + "' must be a list of globs relative to the sandbox root, e.g. [\"data/**\"], not "
          + StrictYaml.describe(value));
      return globs;
    }
    for (Node item : list.getValue()) {
      String text = yaml.string(item, "a glob in '" + key + "'", "a quoted glob such as \"data/**\"");
      if (text == null) {
        continue;
      }
      try {
        globs.add(PathGlob.of(text));
      } catch (IllegalArgumentException bad) {
        yaml.problem(item, bad.getMessage());
      }
    }
    return globs;
  }
}
