package io.toolguard.agent.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a policy file (YAML, {@code version: 1}) and reports every problem it finds with file,
 * line and column. Strict by design: an unknown key, a value of the wrong type or a duplicate rule
 * is an error, because a typo in a security policy must never silently change what it means.
 */
public final class PolicyParser {

  /** Policies are short; anything larger is a mistake or an attack on the parser. */
  static final int MAX_BYTES = 1024 * 1024;

  private static final List<String> TOP_KEYS = List.of("version", "mode", "sandbox", "unlisted_tools", "tools");
  private static final List<String> RULE_KEYS = List.of("decision", "risk", "files");
  private static final List<String> FILE_KEYS = List.of("read", "write", "delete");

  private final String source;
  private final Path folder;
  private final List<PolicyProblem> problems = new ArrayList<>();

  private PolicyParser(String source, Path folder) {
    this.source = source;
    this.folder = folder;
  }

  /**
   * Reads and checks a policy file.
   *
   * @param file the file as the user named it; messages use this spelling
   * @throws PolicyException listing every problem, each with file, line and column
   */
  public static Policy parse(Path file) throws PolicyException {
    String source = file.toString();
    return new PolicyParser(source, file.toAbsolutePath().normalize().getParent()).parse(read(source, file));
  }

  /** Checks policy text as if it had been read from {@code source} in {@code folder}. */
  static Policy parse(String source, Path folder, String text) throws PolicyException {
    return new PolicyParser(source, folder).parse(text);
  }

  private static String read(String source, Path file) throws PolicyException {
    Location start = new Location(source, 1, 1);
    if (Files.isDirectory(file)) {
      throw single(start, "the policy path is a directory; give the path of a policy file (.yaml)");
    }
    if (!Files.exists(file)) {
      throw single(start, "the policy file does not exist (working directory: "
          + Path.of("").toAbsolutePath() + ")");
    }
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw single(start, "the policy file is " + size + " bytes; the limit is " + MAX_BYTES + " bytes");
      }
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw single(start, "the policy file is not valid UTF-8 text");
    } catch (IOException e) {
      throw single(start, "cannot read the policy file: " + e.getMessage());
    }
  }

  private static PolicyException single(Location location, String message) {
    return new PolicyException(List.of(new PolicyProblem(location, message)));
  }

  private Policy parse(String text) throws PolicyException {
    Node root = compose(text);
    if (root == null) {
      problems.add(new PolicyProblem(new Location(source, 1, 1),
          "the policy is empty; it must start with 'version: 1' and set at least 'sandbox'"));
      throw new PolicyException(problems);
    }
    Map<String, NodeTuple> top = mapping(root, "the policy", TOP_KEYS);
    if (top == null) {
      throw new PolicyException(problems);
    }
    checkVersion(top.get("version"), root);
    Mode mode = enumValue(top.get("mode"), "mode", Mode::named, "enforce or audit").orElse(Mode.ENFORCE);
    Path sandbox = sandbox(top.get("sandbox"), root);
    NodeTuple unlistedEntry = top.get("unlisted_tools");
    Verdict unlisted = enumValue(unlistedEntry, "unlisted_tools", Verdict::named, "allow or deny").orElse(Verdict.DENY);
    String unlistedRule = unlistedEntry == null
        ? source + " (default unlisted_tools: deny)"
        : at(unlistedEntry.getKeyNode()).rule();
    List<ToolRule> rules = tools(top.get("tools"));
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return new Policy(source, mode, sandbox, unlisted, unlistedRule, rules);
  }

  private Node compose(String text) throws PolicyException {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(MAX_BYTES);
    // The composer alone: SnakeYAML's constructors would initialise java.util.logging in premain.
    Composer composer = new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options);
    try {
      return composer.getSingleNode();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getContext() == null ? e.getProblem()
          : e.getProblem() == null ? e.getContext()
          : e.getContext() + ", " + e.getProblem();
      throw single(at(mark), "not valid YAML: " + problem);
    } catch (YAMLException e) {
      throw single(new Location(source, 1, 1), "not valid YAML: " + e.getMessage());
    }
  }

  private void checkVersion(NodeTuple entry, Node root) {
    if (entry == null) {
      problem(root, "missing 'version'; this agent reads 'version: 1'");
      return;
    }
    Node value = entry.getValueNode();
    if (!(value instanceof ScalarNode scalar) || !Tag.INT.equals(value.getTag()) || !scalar.getValue().equals("1")) {
      problem(value, "unsupported version " + describe(value) + "; this agent reads 'version: 1'");
    }
  }

  private Path sandbox(NodeTuple entry, Node root) {
    if (entry == null) {
      problem(root, "missing 'sandbox': the folder tools may work in, absolute or relative to this policy's folder");
      return null;
    }
    String text = string(entry.getValueNode(), "sandbox", "a folder path");
    if (text == null) {
      return null;
    }
    try {
      return folder.resolve(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problem(entry.getValueNode(), "'sandbox' is not a valid path: " + e.getReason());
      return null;
    }
  }

  private List<ToolRule> tools(NodeTuple entry) {
    List<ToolRule> rules = new ArrayList<>();
    if (entry == null || isNull(entry.getValueNode())) {
      return rules;
    }
    Node value = entry.getValueNode();
    if (!(value instanceof MappingNode mapping)) {
      problem(value, "'tools' must map tool names to rules, e.g. 'read_file: {decision: allow}', not " + describe(value));
      return rules;
    }
    Map<String, Node> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = string(tuple.getKeyNode(), "a tool name", "a tool name or a '*' glob");
      if (name == null) {
        continue;
      }
      Node first = seen.putIfAbsent(name, tuple.getKeyNode());
      if (first != null) {
        problem(tuple.getKeyNode(), "duplicate rule for tool '" + name + "' (first at line " + at(first).line()
            + "); merge them into one rule");
        continue;
      }
      if (!validToolPattern(name)) {
        problem(tuple.getKeyNode(), "tool name '" + name
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
    Map<String, NodeTuple> keys = mapping(tuple.getValueNode(), "tool rule '" + name + "'", RULE_KEYS);
    if (keys == null) {
      return Optional.empty();
    }
    NodeTuple decisionEntry = keys.get("decision");
    if (decisionEntry == null) {
      problem(tuple.getValueNode(), "tool rule '" + name + "' needs 'decision: allow' or 'decision: deny'");
    }
    Optional<Verdict> verdict = enumValue(decisionEntry, "decision", Verdict::named, "allow or deny");
    Optional<Risk> risk = enumValue(keys.get("risk"), "risk", Risk::named, "LOW, MEDIUM, HIGH or CRITICAL");
    FileGrants files = files(name, keys.get("files"));
    if (verdict.orElse(null) == Verdict.DENY) {
      for (String grantKey : List.of("risk", "files")) {
        if (keys.containsKey(grantKey)) {
          problem(keys.get(grantKey).getKeyNode(), "tool rule '" + name + "' denies the tool, so '" + grantKey
              + "' has no effect; remove it or change the decision to allow");
        }
      }
    }
    return verdict.map(v -> new ToolRule(name, v, risk, files, at(tuple.getKeyNode())));
  }

  private FileGrants files(String tool, NodeTuple entry) {
    if (entry == null) {
      return FileGrants.NONE;
    }
    Map<String, NodeTuple> keys = mapping(entry.getValueNode(), "'files' of tool rule '" + tool + "'", FILE_KEYS);
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
      problem(value, "'" + key + "' must be a list of globs relative to the sandbox root, e.g. [\"data/**\"], not "
          + describe(value));
      return globs;
    }
    for (Node item : list.getValue()) {
      String text = string(item, "a glob in '" + key + "'", "a quoted glob such as \"data/**\"");
      if (text == null) {
        continue;
      }
      try {
        globs.add(PathGlob.of(text));
      } catch (IllegalArgumentException bad) {
        problem(item, bad.getMessage());
      }
    }
    return globs;
  }

  /** Checks that a node is a mapping with only known keys, none twice; returns the entries by key. */
  private Map<String, NodeTuple> mapping(Node node, String what, List<String> allowed) {
    if (!(node instanceof MappingNode mapping)) {
      problem(node, what + " must be a mapping of " + String.join(", ", allowed) + ", not " + describe(node));
      return null;
    }
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = keyNode instanceof ScalarNode scalar ? scalar.getValue() : null;
      if (key == null || !allowed.contains(key)) {
        String shown = key == null ? describe(keyNode) : "'" + key + "'";
        problem(keyNode, "unknown key " + shown + " in " + what + suggestion(key, allowed)
            + "; expected one of: " + String.join(", ", allowed));
      } else if (entries.containsKey(key)) {
        problem(keyNode, "duplicate key '" + key + "' in " + what + " (first at line "
            + at(entries.get(key).getKeyNode()).line() + ")");
      } else {
        entries.put(key, tuple);
      }
    }
    return entries;
  }

  private <T> Optional<T> enumValue(NodeTuple entry, String key, Function<String, Optional<T>> byName, String expected) {
    if (entry == null) {
      return Optional.empty();
    }
    Node value = entry.getValueNode();
    Optional<T> parsed = value instanceof ScalarNode scalar && !isNull(value)
        ? byName.apply(scalar.getValue())
        : Optional.empty();
    if (parsed.isEmpty()) {
      problem(value, "'" + key + "' must be " + expected + ", not " + describe(value));
    }
    return parsed;
  }

  private String string(Node node, String what, String expected) {
    if (node instanceof ScalarNode scalar && Tag.STR.equals(node.getTag())) {
      return scalar.getValue();
    }
    problem(node, what + " must be " + expected + ", not " + describe(node));
    return null;
  }

  private static boolean isNull(Node node) {
    return Tag.NULL.equals(node.getTag());
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(node)) {
      return "an empty value";
    }
    String value = ((ScalarNode) node).getValue();
    return "'" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'";
  }

  private static String suggestion(String key, List<String> allowed) {
    if (key == null) {
      return "";
    }
    for (String candidate : allowed) {
      if (editDistance(key, candidate) <= 2) {
        return " (did you mean '" + candidate + "'?)";
      }
    }
    return "";
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private void problem(Node node, String message) {
    problems.add(new PolicyProblem(at(node.getStartMark()), message));
  }

  private Location at(Node node) {
    return at(node.getStartMark());
  }

  private Location at(Mark mark) {
    return mark == null ? new Location(source, 1, 1) : new Location(source, mark.getLine() + 1, mark.getColumn() + 1);
  }
}
