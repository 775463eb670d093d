package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.Location;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads one YAML file strictly, collecting every problem with file, line and column: the shared
 * ground of the policy parser and the test-case reader. Unknown keys, wrong types and duplicates
 * are problems, never ignored.
 */
final class StrictYaml {

  /**
   * Policies and their test cases are short; anything larger is a mistake or an attack on the
   * parser.
   */
  static final int MAX_BYTES = 1024 * 1024;

  private final String source;
  private final List<PolicyProblem> problems = new ArrayList<>();

  StrictYaml(String source) {
    this.source = source;
  }

  /**
   * Reads a file as UTF-8 text.
   *
   * @param noun what the file is, for messages ("policy file")
   */
  static String read(String source, Path file, String noun) throws PolicyException {
    return decode(source, readBytes(source, file, noun), noun);
  }

  /**
   * Reads a file's bytes, refusing directories, missing files and files over {@link #MAX_BYTES}.
   */
  static byte[] readBytes(String source, Path file, String noun) throws PolicyException {
    Location start = new Location(source, 1, 1);
    if (Files.isDirectory(file)) {
      throw single(start, "this is a directory; give the path of a " + noun + " (.yaml)");
    }
    if (!Files.exists(file)) {
      throw single(
          start,
          "the "
              + noun
              + " does not exist (working directory: "
              + Path.of("").toAbsolutePath()
              + ")");
    }
    // Through java.io, which the JVM has loaded before any agent, not a file channel: at
    // start-up the policy is the first file read, and the channel's classes and native library
    // cost about 6 ms on premain's thread. One read, bounded, so a file that grows meanwhile
    // cannot be read past the limit.
    try (InputStream in = new FileInputStream(file.toFile())) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw single(
            start,
            "the "
                + noun
                + " is "
                + Math.max(Files.size(file), bytes.length)
                + " bytes; the limit is "
                + MAX_BYTES
                + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw single(start, "cannot read the " + noun + ": " + e.getMessage());
    }
  }

  /** Decodes UTF-8 strictly: malformed bytes are a problem, never replaced. */
  static String decode(String source, byte[] bytes, String noun) throws PolicyException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw single(new Location(source, 1, 1), "the " + noun + " is not valid UTF-8 text");
    }
  }

  static PolicyException single(Location location, String message) {
    return new PolicyException(List.of(new PolicyProblem(location, message)));
  }

  /** {@return what usually causes SnakeYAML's terser complaints, or nothing} */
  static String hint(String problem) {
    if (problem == null) {
      return "";
    }
    if (problem.contains("mapping values are not allowed here")) {
      return " (this usually means a key is indented differently from the keys beside it, or"
          + " a value holds ': ' and needs quotes, as in \"a: b\")";
    }
    if (problem.contains("expected <block end>, but found")) {
      return " (this usually means a line is indented less or more than the lines of its block;"
          + " indent keys of one mapping to the same column, with spaces)";
    }
    return "";
  }

  /**
   * {@return the single document's root node, or {@code null} for an empty one}: read by {@link
   * PlainYaml} where the text keeps to the plain YAML it reads, else by SnakeYAML's parser ({@link
   * YamlTree}), which then loads only here
   */
  YamlNode compose(String text) throws PolicyException {
    YamlNode plain = PlainYaml.read(text);
    return plain != null ? plain : YamlTree.compose(source, text);
  }

  /** Throws every problem found so far, if there is any. */
  void throwIfAny() throws PolicyException {
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
  }

  /**
   * Checks that a node is a mapping with only known keys, none twice; {@return the entries by key,
   * or null}
   */
  Map<String, YamlEntry> mapping(YamlNode node, String what, List<String> allowed) {
    if (!(node instanceof YamlMap mapping)) {
      problem(
          node,
          what + " must be a mapping of " + String.join(", ", allowed) + ", not " + describe(node));
      return null;
    }
    Map<String, YamlEntry> entries = new LinkedHashMap<>();
    for (YamlEntry tuple : mapping.getValue()) {
      YamlNode keyNode = tuple.key();
      String key = keyNode instanceof YamlScalar scalar ? scalar.getValue() : null;
      if (key == null || !allowed.contains(key)) {
        String shown = key == null ? describe(keyNode) : "'" + key + "'";
        problem(
            keyNode,
            "unknown key "
                + shown
                + " in "
                + what
                + suggestion(key, allowed)
                + "; expected one of: "
                + String.join(", ", allowed));
      } else if (entries.containsKey(key)) {
        problem(
            keyNode,
            "duplicate key '"
                + key
                + "' in "
                + what
                + " (first at line "
                + at(entries.get(key).key()).line()
                + ")");
      } else {
        entries.put(key, tuple);
      }
    }
    return entries;
  }

  /**
   * {@return the value of an enumerated key, read by {@code byName}; empty (and a problem) if it is
   * not one}
   */
  <T> Optional<T> enumValue(
      YamlEntry entry, String key, Function<String, Optional<T>> byName, String expected) {
    return enumValue(entry, key, byName.apply(word(entry)), expected);
  }

  /**
   * {@return {@code parsed}, the value of an enumerated key read from its {@link #word}; empty (and
   * a problem) if it is not one} Callers read the word themselves ({@code
   * Verdict.named(StrictYaml.word(entry))}): a method reference would be spun into a class on every
   * start-up.
   */
  <T> Optional<T> enumValue(YamlEntry entry, String key, Optional<T> parsed, String expected) {
    if (entry == null) {
      return Optional.empty();
    }
    if (parsed.isEmpty()) {
      YamlNode value = entry.value();
      problem(value, "'" + key + "' must be " + expected + ", not " + describe(value));
    }
    return parsed;
  }

  /**
   * {@return the text of a key's value, or "" (which no keyword is) when the key is absent, its
   * value empty, a list or a mapping}
   */
  static String word(YamlEntry entry) {
    if (entry != null && entry.value() instanceof YamlScalar scalar && !isNull(scalar)) {
      return scalar.getValue();
    }
    return "";
  }

  /** {@return the value of a boolean key; false (and a problem) for anything but true or false} */
  boolean bool(YamlEntry entry) {
    YamlNode value = entry.value();
    if (value instanceof YamlScalar scalar && YamlNode.BOOL.equals(value.getTag())) {
      return Boolean.parseBoolean(scalar.getValue());
    }
    problem(
        value,
        "'"
            + ((YamlScalar) entry.key()).getValue()
            + "' must be true or false, not "
            + describe(value));
    return false;
  }

  /** {@return the text of a string scalar, or null (and a problem) for anything else} */
  String string(YamlNode node, String what, String expected) {
    if (node instanceof YamlScalar scalar && YamlNode.STR.equals(node.getTag())) {
      return scalar.getValue();
    }
    problem(node, what + " must be " + expected + ", not " + describe(node));
    return null;
  }

  /**
   * Whether {@code text} is 1 to 6 digits, the first not 0 (as the expression {@code
   * [1-9][0-9]{0,5}}, checked by hand: compiling one costs every start-up).
   */
  static boolean isSmallNumber(String text) {
    if (text.isEmpty() || text.length() > 6 || text.charAt(0) < '1' || text.charAt(0) > '9') {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return the duration a text such as {@code 90s}, {@code 5m} or {@code 24h} writes: a {@link
   * #isSmallNumber small number} and s, m or h; null for anything else}
   */
  static java.time.Duration duration(String text) {
    int unit = text.length() - 1;
    if (unit < 1 || !isSmallNumber(text.substring(0, unit))) {
      return null;
    }
    long amount = Long.parseLong(text.substring(0, unit));
    return switch (text.charAt(unit)) {
      case 's' -> java.time.Duration.ofSeconds(amount);
      case 'm' -> java.time.Duration.ofMinutes(amount);
      case 'h' -> java.time.Duration.ofHours(amount);
      default -> null;
    };
  }

  static boolean isNull(YamlNode node) {
    return YamlNode.NULL.equals(node.getTag());
  }

  static String describe(YamlNode node) {
    if (node instanceof YamlMap) {
      return "a mapping";
    }
    if (node instanceof YamlList) {
      return "a list";
    }
    if (isNull(node)) {
      return "an empty value";
    }
    String value = ((YamlScalar) node).getValue();
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

  void problem(YamlNode node, String message) {
    problems.add(new PolicyProblem(at(node), message));
  }

  void problem(Location location, String message) {
    problems.add(new PolicyProblem(location, message));
  }

  Location at(YamlNode node) {
    return new Location(source, node.line() + 1, node.column() + 1);
  }

  /**
   * {@return the items of a list of strings, each made into a value by {@code parse}}: a problem
   * for anything but a list, for an item that is not a string, and for one {@code parse} rejects
   * with an {@link IllegalArgumentException}
   */
  <T> List<T> strings(
      YamlEntry entry,
      String listExpected,
      String itemWhat,
      String itemExpected,
      Function<String, T> parse) {
    List<T> values = new ArrayList<>();
    if (entry == null) {
      return values;
    }
    String key = ((YamlScalar) entry.key()).getValue();
    YamlNode value = entry.value();
    if (!(value instanceof YamlList list)) {
      problem(
          value, "'" + key + "' must be " + listExpected + ", not " + StrictYaml.describe(value));
      return values;
    }
    for (YamlNode item : list.getValue()) {
      String text = string(item, itemWhat + " in '" + key + "'", itemExpected);
      if (text == null) {
        continue;
      }
      try {
        values.add(parse.apply(text));
      } catch (IllegalArgumentException bad) {
        problem(item, bad.getMessage());
      }
    }
    return values;
  }
}
