package io.toolguard.agent.policy.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * {@link PlainYaml} must read what it reads to the tree SnakeYAML's parser gives ({@link YamlTree},
 * itself compared with SnakeYAML's composer in {@code YamlTreeTest}), and decline the rest: every
 * node's kind, tag, text, quoting, line and column, on the project's policy files, on YAML chosen
 * for each of its rules, and on generated and damaged text.
 */
class PlainYamlTest {

  private static final List<String> PROJECT_FILES =
      List.of(
          "../policies/sample-app.yaml",
          "../policies/sample-app.tests.yaml",
          "../examples/langchain4j/policy.yaml",
          "../examples/spring-ai/policy.yaml");

  static Stream<String> projectFiles() {
    return PROJECT_FILES.stream();
  }

  @ParameterizedTest
  @MethodSource("projectFiles")
  void readsTheProjectsPolicyFilesAsSnakeYamlDoes(String file) throws IOException {
    String text = Files.readString(Path.of(file));
    assertThat(PlainYaml.read(text)).as(file + " is read without SnakeYAML").isNotNull();
    assertAgrees(text);
  }

  @ParameterizedTest
  @MethodSource("io.toolguard.agent.policy.read.YamlTreeTest#texts")
  void agreesOrDeclinesOnWhatYamlTreeIsComparedOn(String text) {
    assertAgrees(text);
  }

  /** Texts at each of the reader's rules: those it reads and those it must leave to SnakeYAML. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "a: 1\n",
        "a: 1",
        "a:\n",
        "a:   \nb: 2\n",
        "a: # note\n  b: 1\n",
        "a: #not a note\n",
        "a: b#c\n",
        "a: b #c\n",
        "a: b  \n",
        "a: 'it''s'\n",
        "a: ''\nb: \"\"\n",
        "a: \"x\\ty\"\n",
        "a: \"x\"y\n",
        "a: \"x\" y\n",
        "a: \"x\"#y\n",
        "a: \"x\" #y\n",
        "'a b': 1\n\"c\": 2\n",
        "'a': 1\n'b' : 2\n",
        "a : 1\n",
        "a:b: c\n",
        "a: b: c\n",
        "a: b:c\n",
        "url: http://127.0.0.1:9/approve\n",
        "a: [x, 'y', \"z\", [1, 2], {k: v}]\n",
        "a: []\nb: {}\nc: [ ]\nd: { }\n",
        "a: [x,]\n",
        "a: [x , y]\n",
        "a: [x y, z]\n",
        "a: [x: y]\n",
        "a: [http://x]\n",
        "a: {k: v, 'q': \"r\", n: [1]}\n",
        "a: {k : v}\n",
        "a: {k:v}\n",
        "a: {k: }\n",
        "a: {k}\n",
        "a: {\"k\":v}\n",
        "a: [x, # c\n  y]\n",
        "a: [x] # c\n",
        "a: [x]y\n",
        "a: [x\n",
        "a: [?x]\n",
        "a: [x?y]\n",
        "- a\n- b\n",
        "-  a\n-   b\n",
        "- a: 1\n  b: 2\n- c: 3\n",
        "-   a: 1\n    b: 2\n",
        "- a: 1\n b: 2\n",
        "- a: 1\n   b: 2\n",
        "- - a\n",
        "-\n  a: 1\n",
        "- # c\n  a\n",
        "-a\n",
        "- -1\n- -x\n- -.5\n- --x\n",
        "a:\n  - x\n  - y\nb: 1\n",
        "a:\n- x\n- y\n",
        "a:\n    - x\n  - y\n",
        "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: x\n  y\n",
        "a: x\n\n  y\n",
        "a: x\n# c\n  y\n",
        "a: x\n  # c\nb: y\n",
        "a:\n  x\n",
        "a:\n  x\n  y\n",
        "a: x\nb\n",
        "x\n",
        "x\ny\n",
        "  a: 1\n  b: 2\n",
        "  a: 1\n b: 2\n",
        "a: 1\n\n\n# end\n",
        "# head\n\na: 1\n",
        "a: 1\na: 2\n",
        "<<: 1\n",
        "~: 1\n",
        "1: 2\nyes: no\n0x1f: .inf\n2024-01-31: null\n",
        "a: ~\nb: Null\nc: off\nd: 1_000\ne: 1e3\nf: -.inf\n",
        "a: ...\n",
        "a: ---\n",
        "--- \na: 1\n",
        "...\n",
        "%YAML 1.1\n",
        "a: &x 1\n",
        "a: *x\n",
        "a: !x 1\n",
        "a: |\n  t\n",
        "a: >\n  t\n",
        "? a\n: b\n",
        "a: @x\n",
        "a: `x\n",
        "a: %x\n",
        "a: ,x\n",
        "a:\tb\n",
        "a: b\r\n",
        "a: \u00e9\n",
        "a: x\ny: [\n",
        "a: 'x\n  y'\n",
        "a: \"x\n  y\"\n",
        "[a, b]\n",
        "{a: 1}\n",
        "'x'\n",
        "",
        "   \n",
        "# only\n",
        "a: (x) + y = z ^ w ; v < u\n",
        "a: $x.y/z~\n",
        "_a: ./b\n",
      })
  void agreesOrDeclinesAtEachRule(String text) {
    assertAgrees(text);
  }

  /**
   * Near SnakeYAML's limits, which it refuses past (found by a red-team fuzzer): a key whose ':' is
   * more than 1,024 characters from its start, in brackets too (SnakeYAML then drops the key and
   * refuses the ':'), more than 100,000 values, more code points than it reads.
   */
  @Test
  void declinesWhatComesNearSnakeYamlsLimits() {
    String x1025 = "x".repeat(1025);
    for (String text :
        List.of(
            "{" + x1025 + ": b}\n",
            "a: {'" + "x".repeat(1100) + "': b}\n",
            "a: {" + "x".repeat(1020) + "      : c}\n",
            "a: {[a, b]: c}\n",
            x1025 + ": b\n",
            "a: [" + "1,".repeat(99_998) + "1]\n",
            "- 1\n".repeat(100_001),
            "a: " + "x".repeat(StrictYaml.MAX_BYTES) + "\n")) {
      assertThat(PlainYaml.read(text)).as(text.substring(0, Math.min(40, text.length()))).isNull();
      assertAgrees(text);
    }
    // below them, as SnakeYAML reads them
    assertThat(PlainYaml.read("a: {" + "x".repeat(500) + ": b}\n")).isNotNull();
    assertAgrees("a: {" + "x".repeat(500) + ": b}\n");
    assertThat(PlainYaml.read("a: [" + "1,".repeat(999) + "1]\n")).isNotNull();
  }

  @Test
  void readsEveryPlainFormItClaims() {
    String text =
        "a: 1\nb:\n  - x\n  - 'y'\n  - k: v\n    l: [1, {m: n}]\nc: {d: \"e\"}\n# c\nf:\n";
    assertThat(PlainYaml.read(text)).isNotNull();
    assertAgrees(text);
  }

  /**
   * Documents from a small grammar of keys, values, lists and mappings, indented right or wrong,
   * with tokens chosen to sit at the reader's edges, then damaged one character at a time.
   */
  @Test
  void agreesOrDeclinesOnGeneratedAndDamagedText() throws IOException {
    Random random = new Random(20261201L);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder();
      block(random, text, 0, 0);
      texts.add(text.toString());
    }
    for (String file : PROJECT_FILES) {
      texts.add(Files.readString(Path.of(file)));
    }
    int read = 0;
    int checked = 0;
    for (String text : texts) {
      read += assertAgrees(text) ? 1 : 0;
      checked++;
      for (int j = 0; j < 6; j++) {
        String damaged = damage(random, text);
        read += assertAgrees(damaged) ? 1 : 0;
        checked++;
      }
    }
    // Both sides must be exercised: a reader that declined everything would agree trivially.
    assertThat(read).as("texts read of " + checked).isBetween(checked / 5, checked - checked / 5);
  }

  private static final String[] SCALARS = {
    "x",
    "a b",
    "yes",
    "1",
    "0x1f",
    "~",
    "null",
    "''",
    "'it''s'",
    "\"q\"",
    "\"a\\nb\"",
    "a#b",
    "a #b",
    "a:b",
    "a: b",
    "http://h:9/p",
    "-1",
    "- x",
    "<<",
    "*x",
    "&a x",
    "!!str x",
    "...",
    "data/**",
    "\"*@example.com\"",
    "1.5",
    "2024-01-31",
    "[a, b]",
    "[]",
    "{k: v}",
    "{k: [1, 2]}",
    "[a,]",
    "{a}",
    "|",
    "x  ",
    "x # note",
  };

  private static void block(Random random, StringBuilder text, int indent, int depth) {
    int entries = 1 + random.nextInt(3);
    boolean list = random.nextInt(4) == 0;
    for (int i = 0; i < entries; i++) {
      int shift = random.nextInt(12) == 0 ? random.nextInt(3) - 1 : 0;
      text.append(" ".repeat(Math.max(0, indent + shift)));
      if (random.nextInt(10) == 0) {
        text.append("# note\n").append(" ".repeat(indent));
      }
      if (list) {
        text.append("- ");
      } else {
        String key = random.nextInt(8) == 0 ? pick(random) : "k" + random.nextInt(4);
        text.append(key).append(random.nextInt(15) == 0 ? " :" : ":");
      }
      int form = depth > 3 ? 0 : random.nextInt(list ? 3 : 4);
      if (form == 0) {
        text.append(list ? "" : " ").append(pick(random)).append('\n');
      } else if (form == 1) {
        if (list) {
          text.append("k: ").append(pick(random)).append('\n');
          text.append(" ".repeat(indent + 2)).append("l: ").append(pick(random)).append('\n');
        } else {
          text.append('\n');
          block(random, text, indent + 1 + random.nextInt(3), depth + 1);
        }
      } else if (form == 2) {
        text.append(list ? "[" + pick(random) + "]" : "").append('\n');
      } else {
        text.append(random.nextBoolean() ? "\n" : " # c\n");
      }
    }
  }

  private static String pick(Random random) {
    return SCALARS[random.nextInt(SCALARS.length)];
  }

  private static final String DAMAGE = ":- #'\"[]{},\n?|>&*!\t\\x";

  private static String damage(Random random, String text) {
    StringBuilder damaged = new StringBuilder(text);
    int at = random.nextInt(damaged.length() + 1);
    switch (random.nextInt(3)) {
      case 0 -> damaged.insert(at, DAMAGE.charAt(random.nextInt(DAMAGE.length())));
      case 1 -> {
        if (at < damaged.length()) {
          damaged.deleteCharAt(at);
        }
      }
      default -> {
        if (at < damaged.length()) {
          damaged.setCharAt(at, DAMAGE.charAt(random.nextInt(DAMAGE.length())));
        }
      }
    }
    return damaged.toString();
  }

  /**
   * Asserts that {@link PlainYaml} declines {@code text} or reads it as SnakeYAML's parser does;
   * {@return whether it read it}
   */
  private static boolean assertAgrees(String text) {
    YamlNode plain = PlainYaml.read(text);
    if (plain == null) {
      return false;
    }
    LoaderOptions options = YamlTree.options();
    YamlNode expected;
    try {
      expected = YamlTree.single(new ParserImpl(new StreamReader(text), options), options);
    } catch (YAMLException refused) {
      throw new AssertionError(
          "read text SnakeYAML refuses (" + refused.getMessage() + "):\n" + text, refused);
    }
    assertSame(expected, plain, "in:\n" + text + "\n");
    return true;
  }

  private static void assertSame(YamlNode expected, YamlNode actual, String where) {
    String here = where + "node at " + expected.line() + ":" + expected.column();
    assertThat(actual).as(here).isNotNull();
    assertEquals(expected.getClass(), actual.getClass(), here);
    assertEquals(expected.getTag(), actual.getTag(), here);
    assertEquals(expected.line(), actual.line(), here);
    assertEquals(expected.column(), actual.column(), here);
    if (expected instanceof YamlScalar scalar) {
      assertEquals(scalar.getValue(), ((YamlScalar) actual).getValue(), here);
      assertEquals(scalar.style(), ((YamlScalar) actual).style(), here);
    } else if (expected instanceof YamlList list) {
      List<YamlNode> items = ((YamlList) actual).getValue();
      assertEquals(list.getValue().size(), items.size(), here);
      for (int i = 0; i < items.size(); i++) {
        assertSame(list.getValue().get(i), items.get(i), where);
      }
    } else {
      List<YamlEntry> entries = ((YamlMap) actual).getValue();
      List<YamlEntry> expectedEntries = ((YamlMap) expected).getValue();
      assertEquals(expectedEntries.size(), entries.size(), here);
      for (int i = 0; i < entries.size(); i++) {
        assertSame(expectedEntries.get(i).key(), entries.get(i).key(), where);
        assertSame(expectedEntries.get(i).value(), entries.get(i).value(), where);
      }
    }
  }
}
