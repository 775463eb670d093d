package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.ArgumentCondition;
import io.toolguard.agent.policy.ArgumentTest;
import io.toolguard.agent.policy.FileGrants;
import io.toolguard.agent.policy.HostPort;
import io.toolguard.agent.policy.PathGlob;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code when} of a tool rule: conditions on the call's arguments, by parameter name (or a
 * dotted path inside one), each a mapping of tests that must all pass. Problems are collected in
 * the reader with their line and column.
 */
final class ConditionSection {

  static final List<String> TEST_KEYS =
      List.of(
          "glob",
          "regex",
          "one_of",
          "ignore_case",
          "min",
          "max",
          "above",
          "below",
          "min_length",
          "max_length",
          "inside",
          "url_to");

  private final StrictYaml yaml;

  ConditionSection(StrictYaml yaml) {
    this.yaml = yaml;
  }

  /** {@return the conditions under {@code when}; none when it is absent} */
  List<ArgumentCondition> read(String tool, YamlEntry entry) {
    List<ArgumentCondition> conditions = new ArrayList<>();
    if (entry == null) {
      return conditions;
    }
    if (!(entry.value() instanceof YamlMap mapping) || mapping.getValue().isEmpty()) {
      yaml.problem(
          entry.value(),
          "'when' of tool rule '"
              + tool
              + "' must map parameter names to tests, e.g. 'when: {to: {glob: \"*@example.com\"}}',"
              + " not "
              + StrictYaml.describe(entry.value()));
      return conditions;
    }
    List<String> seen = new ArrayList<>();
    for (YamlEntry tuple : mapping.getValue()) {
      String subject =
          yaml.string(
              tuple.key(),
              "a parameter name in 'when'",
              "a parameter name such as 'to', or a path such as 'order.amount'");
      if (subject == null) {
        continue;
      }
      if (!isSubject(subject)) {
        yaml.problem(
            tuple.key(),
            "'"
                + subject
                + "' is not a parameter name or path; write the parameter's name ('to'), or a"
                + " dotted path into a record, map or list ('order.amount', 'items.0.sku')");
        continue;
      }
      if (seen.contains(subject)) {
        yaml.problem(
            tuple.key(),
            "duplicate condition on '" + subject + "'; put all its tests in one mapping");
        continue;
      }
      seen.add(subject);
      List<ArgumentTest> tests = tests(subject, tuple.value());
      if (!tests.isEmpty()) {
        List<String> segments = List.of(subject.split("\\."));
        conditions.add(
            new ArgumentCondition(
                segments.get(0),
                segments.subList(1, segments.size()),
                tests,
                yaml.at(tuple.key())));
      }
    }
    return conditions;
  }

  /**
   * Whether {@code subject} names a parameter, or a path into one: a Java-like name ({@code
   * [A-Za-z_$][A-Za-z0-9_$]*}), then any number of {@code .} and a name (which may also hold {@code
   * -}) or an index ({@code [0-9]+}). Checked by hand: compiling the expression cost every
   * start-up.
   */
  static boolean isSubject(String subject) {
    int start = 0;
    boolean first = true;
    while (true) {
      int dot = subject.indexOf('.', start);
      int end = dot < 0 ? subject.length() : dot;
      if (!(isName(subject, start, end, first) || (!first && isIndex(subject, start, end)))) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      first = false;
      start = dot + 1;
    }
  }

  private static boolean isName(String text, int start, int end, boolean first) {
    if (start == end || !isNameStart(text.charAt(start))) {
      return false;
    }
    for (int i = start + 1; i < end; i++) {
      char c = text.charAt(i);
      if (!isNameStart(c) && !(c >= '0' && c <= '9') && (first || c != '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$';
  }

  private static boolean isIndex(String text, int start, int end) {
    if (start == end) {
      return false;
    }
    for (int i = start; i < end; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private List<ArgumentTest> tests(String subject, YamlNode node) {
    List<ArgumentTest> tests = new ArrayList<>();
    Map<String, YamlEntry> keys =
        yaml.mapping(node, "the condition on '" + subject + "'", TEST_KEYS);
    if (keys == null) {
      return tests;
    }
    boolean ignoreCase = keys.containsKey("ignore_case") && yaml.bool(keys.get("ignore_case"));
    if (keys.containsKey("glob")) {
      List<String> globs = stringOrList(keys.get("glob"), "a glob such as \"*@example.com\"");
      if (!globs.isEmpty()) {
        tests.add(new ArgumentTest.Glob(globs, ignoreCase));
      }
    }
    if (keys.containsKey("regex")) {
      YamlNode value = keys.get("regex").value();
      String regex = yaml.string(value, "'regex'", "a quoted Java regular expression");
      if (regex != null) {
        try {
          tests.add(
              new ArgumentTest.Regex(
                  Pattern.compile(
                      regex, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0)));
        } catch (PatternSyntaxException bad) {
          yaml.problem(
              value,
              "'regex' is not a valid Java regular expression: "
                  + bad.getDescription()
                  + (bad.getIndex() >= 0 ? " at character " + (bad.getIndex() + 1) : ""));
        }
      }
    }
    if (keys.containsKey("one_of")) {
      List<String> values = scalars(keys.get("one_of"));
      if (!values.isEmpty()) {
        tests.add(new ArgumentTest.OneOf(values, ignoreCase));
      }
    }
    Optional<ArgumentTest> range = range(keys);
    if (range.isPresent()) {
      tests.add(range.get());
    }
    if (keys.containsKey("min_length") || keys.containsKey("max_length")) {
      int min = keys.containsKey("min_length") ? count(keys.get("min_length")) : 0;
      int max = keys.containsKey("max_length") ? count(keys.get("max_length")) : Integer.MAX_VALUE;
      tests.add(new ArgumentTest.Length(min, max));
    }
    if (keys.containsKey("inside")) {
      List<PathGlob> globs =
          yaml.strings(
              keys.get("inside"),
              "a list of globs relative to the sandbox root, e.g. [\"data/**\"]",
              "a glob",
              "a quoted glob such as \"data/**\"",
              PathGlob::of);
      if (!globs.isEmpty()) {
        tests.add(new ArgumentTest.Inside(new FileGrants(globs, List.of(), List.of())));
      }
    }
    if (keys.containsKey("url_to")) {
      List<HostPort> patterns =
          yaml.strings(
              keys.get("url_to"),
              "a list of HOST:PORT patterns, e.g. [\"docs.example.com:443\"]",
              "a pattern",
              "a quoted HOST:PORT such as \"docs.example.com:443\"",
              HostPort::of);
      if (!patterns.isEmpty()) {
        tests.add(new ArgumentTest.UrlTo(patterns));
      }
    }
    if (ignoreCase
        && !keys.containsKey("glob")
        && !keys.containsKey("regex")
        && !keys.containsKey("one_of")) {
      yaml.problem(
          keys.get("ignore_case").key(),
          "'ignore_case' applies to 'glob', 'regex' and 'one_of', and the condition on '"
              + subject
              + "' has none of them");
    }
    if (keys.isEmpty()) {
      yaml.problem(
          node,
          "the condition on '"
              + subject
              + "' has no test; give one of: "
              + String.join(", ", TEST_KEYS));
    }
    return tests;
  }

  private java.util.Optional<ArgumentTest> range(Map<String, YamlEntry> keys) {
    if (keys.containsKey("min") && keys.containsKey("above")) {
      yaml.problem(keys.get("above").key(), "give 'min' (included) or 'above', not both");
    }
    if (keys.containsKey("max") && keys.containsKey("below")) {
      yaml.problem(keys.get("below").key(), "give 'max' (included) or 'below', not both");
    }
    BigDecimal low = number(keys.containsKey("min") ? keys.get("min") : keys.get("above"));
    BigDecimal high = number(keys.containsKey("max") ? keys.get("max") : keys.get("below"));
    if (low == null && high == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new ArgumentTest.Range(low, !keys.containsKey("above"), high, !keys.containsKey("below")));
  }

  private BigDecimal number(YamlEntry entry) {
    if (entry == null) {
      return null;
    }
    YamlNode value = entry.value();
    if (value instanceof YamlScalar scalar
        && (YamlNode.INT.equals(value.getTag()) || YamlNode.FLOAT.equals(value.getTag()))) {
      try {
        return new BigDecimal(scalar.getValue().replace("_", ""));
      } catch (NumberFormatException unusual) {
        // .inf, .nan, 0x1F, 0o17: not a bound
      }
    }
    yaml.problem(
        value,
        "'"
            + ((YamlScalar) entry.key()).getValue()
            + "' must be a decimal number such as 100 or 12.50, not "
            + StrictYaml.describe(value));
    return null;
  }

  private int count(YamlEntry entry) {
    YamlNode value = entry.value();
    if (value instanceof YamlScalar scalar && YamlNode.INT.equals(value.getTag())) {
      try {
        int count = Integer.parseInt(scalar.getValue());
        if (count >= 0) {
          return count;
        }
      } catch (NumberFormatException tooLarge) {
        // a problem below
      }
    }
    yaml.problem(
        value,
        "'"
            + ((YamlScalar) entry.key()).getValue()
            + "' must be a whole number of characters (or items), 0 or more, not "
            + StrictYaml.describe(value));
    return 0;
  }

  private List<String> stringOrList(YamlEntry entry, String example) {
    if (entry.value() instanceof YamlScalar) {
      String one = yaml.string(entry.value(), "'glob'", example);
      return one == null ? List.of() : List.of(one);
    }
    return yaml.strings(
        entry, "a glob or a list of globs, e.g. [\"*@example.com\"]", "a glob", example, g -> g);
  }

  /** {@return the texts of a list of scalars: strings, numbers, booleans as written} */
  private List<String> scalars(YamlEntry entry) {
    List<String> values = new ArrayList<>();
    YamlNode node = entry.value();
    if (!(node instanceof YamlList list) || list.getValue().isEmpty()) {
      yaml.problem(
          node,
          "'one_of' must be a list of values, e.g. [\"EUR\", \"USD\"], not "
              + StrictYaml.describe(node));
      return values;
    }
    for (YamlNode item : list.getValue()) {
      if (item instanceof YamlScalar scalar && !StrictYaml.isNull(item)) {
        values.add(scalar.getValue());
      } else {
        yaml.problem(
            item, "a value in 'one_of' must be a text or number, not " + StrictYaml.describe(item));
      }
    }
    return values;
  }
}
