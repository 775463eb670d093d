package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.Risk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads a policy test-case file:
 *
 * <pre>
 * cases:
 *   - name: the summary may be written
 *     tool: write_file
 *     risk: MEDIUM          # the tool's declared risk; default HIGH
 *     op: write             # optional: read, write or delete with path; exec with command;
 *     path: out/summary.md  #   connect or listen with host (HOST:PORT)
 *     expect: allow         # allow, ask or deny
 *     rule: 23              # optional: line of the deciding rule in the policy
 *     args:                 # optional: the call's arguments, for rules with conditions
 *       to: bob@example.com
 * </pre>
 */
public final class PolicyCases {

  private static final List<String> TOP_KEYS = List.of("cases");
  private static final List<String> CASE_KEYS =
      List.of(
          "name", "tool", "risk", "op", "path", "command", "host", "var", "expect", "rule", "args");

  private final StrictYaml yaml;

  private PolicyCases(String source) {
    this.yaml = new StrictYaml(source);
  }

  /**
   * Reads and checks a test-case file.
   *
   * @throws PolicyException listing every problem, each with file, line and column
   */
  public static List<PolicyCase> parse(Path file) throws PolicyException {
    String source = file.toString();
    return new PolicyCases(source).parse(source, StrictYaml.read(source, file, "test-case file"));
  }

  private List<PolicyCase> parse(String source, String text) throws PolicyException {
    YamlNode root = yaml.compose(text);
    if (root == null) {
      yaml.problem(
          new Location(source, 1, 1),
          "the test-case file is empty; it must hold 'cases:' with a list of cases");
      yaml.throwIfAny();
    }
    Map<String, YamlEntry> top = yaml.mapping(root, "the test-case file", TOP_KEYS);
    yaml.throwIfAny();
    YamlEntry casesEntry = top.get("cases");
    YamlNode list = casesEntry == null ? root : casesEntry.value();
    if (!(list instanceof YamlList sequence) || sequence.getValue().isEmpty()) {
      yaml.problem(list, "'cases' must be a non-empty list of test cases");
    }
    yaml.throwIfAny();
    List<PolicyCase> cases = new ArrayList<>();
    for (YamlNode item : ((YamlList) list).getValue()) {
      testCase(item).ifPresent(cases::add);
    }
    yaml.throwIfAny();
    return cases;
  }

  private Optional<PolicyCase> testCase(YamlNode node) {
    Map<String, YamlEntry> keys = yaml.mapping(node, "a test case", CASE_KEYS);
    if (keys == null) {
      return Optional.empty();
    }
    String name = required(node, keys, "name");
    String tool = required(node, keys, "tool");
    DeclaredRisk risk =
        yaml.enumValue(keys.get("risk"), "risk", Risk::named, "LOW, MEDIUM, HIGH or CRITICAL")
            .map(DeclaredRisk::of)
            .orElse(DeclaredRisk.UNSTATED);
    Optional<String> operation =
        yaml.enumValue(
            keys.get("op"),
            "op",
            op -> Optional.of(op).filter(PolicyCase.TARGETS::containsKey),
            String.join(", ", PolicyCase.TARGETS.keySet()));
    String target = null;
    for (String key : List.of("path", "command", "host", "var")) {
      if (keys.containsKey(key) && !operation.map(PolicyCase.TARGETS::get).orElse("").equals(key)) {
        yaml.problem(
            keys.get(key).key(),
            "'"
                + key
                + "' goes with 'op: "
                + String.join(
                    "' or 'op: ",
                    PolicyCase.TARGETS.entrySet().stream()
                        .filter(e -> e.getValue().equals(key))
                        .map(Map.Entry::getKey)
                        .toList())
                + "'");
      }
    }
    if (operation.isPresent()) {
      String key = PolicyCase.TARGETS.get(operation.get());
      if (keys.containsKey(key)) {
        target = yaml.string(keys.get(key).value(), "'" + key + "'", "text");
      } else {
        yaml.problem(node, "'op: " + operation.get() + "' needs '" + key + "'");
      }
    }
    if (!keys.containsKey("expect")) {
      yaml.problem(node, "a test case needs 'expect: allow', 'expect: ask' or 'expect: deny'");
    }
    Optional<Outcome> expected =
        yaml.enumValue(keys.get("expect"), "expect", Outcome::named, "allow, ask or deny");
    OptionalInt ruleLine = ruleLine(keys.get("rule"));
    Map<String, Object> arguments = arguments(keys.get("args"));
    if (name == null || tool == null || expected.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new PolicyCase(
            name,
            tool,
            risk,
            operation,
            target,
            expected.get(),
            ruleLine,
            yaml.at(node),
            arguments));
  }

  private Map<String, Object> arguments(YamlEntry entry) {
    Map<String, Object> arguments = new java.util.LinkedHashMap<>();
    if (entry == null) {
      return arguments;
    }
    if (!(entry.value() instanceof YamlMap mapping)) {
      yaml.problem(
          entry.value(),
          "'args' must map parameter names to values, e.g. {to: bob@example.com}, not "
              + StrictYaml.describe(entry.value()));
      return arguments;
    }
    for (YamlEntry tuple : mapping.getValue()) {
      String name = yaml.string(tuple.key(), "a parameter name in 'args'", "a name");
      if (name != null) {
        arguments.put(name, value(tuple.value()));
      }
    }
    return arguments;
  }

  /**
   * {@return a YAML value as a tool would get it from JSON: a text, a whole number (Long), a
   * decimal (BigDecimal), a boolean, null, or a map or list of such values}
   */
  private static Object value(YamlNode node) {
    if (node instanceof YamlMap mapping) {
      Map<String, Object> map = new java.util.LinkedHashMap<>();
      for (YamlEntry tuple : mapping.getValue()) {
        if (tuple.key() instanceof YamlScalar key) {
          map.put(key.getValue(), value(tuple.value()));
        }
      }
      return map;
    }
    if (node instanceof YamlList sequence) {
      List<Object> list = new ArrayList<>();
      sequence.getValue().forEach(item -> list.add(value(item)));
      return list;
    }
    String text = ((YamlScalar) node).getValue();
    try {
      if (YamlNode.INT.equals(node.getTag())) {
        return Long.valueOf(text.replace("_", ""));
      }
      if (YamlNode.FLOAT.equals(node.getTag())) {
        return new java.math.BigDecimal(text.replace("_", ""));
      }
    } catch (NumberFormatException unusual) {
      return text;
    }
    if (YamlNode.BOOL.equals(node.getTag())) {
      return Boolean.valueOf(text);
    }
    return StrictYaml.isNull(node) ? null : text;
  }

  private String required(YamlNode caseNode, Map<String, YamlEntry> keys, String key) {
    if (!keys.containsKey(key)) {
      yaml.problem(caseNode, "a test case needs '" + key + "'");
      return null;
    }
    return yaml.string(keys.get(key).value(), "'" + key + "'", "a text");
  }

  private OptionalInt ruleLine(YamlEntry entry) {
    if (entry == null) {
      return OptionalInt.empty();
    }
    YamlNode value = entry.value();
    if (value instanceof YamlScalar scalar
        && YamlNode.INT.equals(value.getTag())
        && scalar.getValue().matches("[1-9][0-9]{0,6}")) {
      return OptionalInt.of(Integer.parseInt(scalar.getValue()));
    }
    yaml.problem(
        value,
        "'rule' must be the line number of the deciding rule in the policy, not "
            + StrictYaml.describe(value));
    return OptionalInt.empty();
  }
}
