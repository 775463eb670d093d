package io.toolguard.agent.policy.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@link YamlTree} must build the tree SnakeYAML's {@code Composer} built (which toolguard used
 * before, and which stays on the test class path as the reference), and refuse what it refused with
 * the same words and place: every node's kind, tag, text, quoting and position, and every error,
 * compared on the project's policy files and on YAML chosen to reach each rule.
 */
class YamlTreeTest {

  static Stream<String> texts() throws IOException {
    List<String> texts = new ArrayList<>();
    for (String file :
        List.of(
            "../policies/sample-app.yaml",
            "../policies/sample-app.tests.yaml",
            "../examples/langchain4j/policy.yaml",
            "../examples/spring-ai/policy.yaml")) {
      texts.add(Files.readString(Path.of(file)));
    }
    texts.addAll(
        List.of(
            "",
            "# only a comment\n",
            "---\n",
            "--- \n...\n",
            "a: 1\n---\nb: 2\n",
            "--- a\n--- b\n",
            "a: 1\n...\n--- b\n",
            "a: &x 1\nb: *x\n",
            "a: *y\nb: &y 1\n",
            "a: &x [1, 2]\nb: *x\nc: &x {d: 3}\ne: *x\n",
            "&k a: 1\n*k : 2\n",
            "a: 1\na: 2\n",
            "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
            "c:\n  <<: [*b]\n",
            "a: !!str 1\nb: !!int '2'\nc: !foo x\ne: !<tag:yaml.org,2002:str> 3\nf: ! 5\n",
            "g: !!binary aGk=\nh: !!set {a, b}\ni: !!omap [a: 1]\nj: !!timestamp x\n",
            "d: !!python/object x\n",
            "d: !!java.io.File [x]\n",
            "d: !<tag:yaml.org,2002:bogus> {a: 1}\n",
            "!!map {a: 1}\n",
            "!!seq [1]\n",
            "!!str {a: 1}\n",
            "%YAML 1.1\n---\na: 1\n",
            "%TAG !e! tag:example.com,2000:\n---\na: !e!foo x\n",
            "%TAG !! tag:example.com,2000:\n---\na: !!foo x\n",
            "a: 'q'\nb: \"d\"\nc: |\n  literal\nd: >\n  folded\ne: plain\nf: \"1\"\ng: '~'\n",
            "a:\nb: ~\nc: null\nd: ''\ne: \"\"\n",
            "? complex key\n: v\n",
            "[a, b]: c\n{d: e}: f\n",
            "{a: 1, b: [x, y], c: {d: e}}",
            "- 1\n- 1.5\n- 0x1f\n- 2001-12-14\n- yes\n- off\n- <<\n- .inf\n- 1:30\n",
            "key with: colon: bad\n",
            "a:\n  - b\n - c\n",
            "a: [1, 2\n",
            "a: \"unterminated\n",
            "\ta: 1\n",
            "a: b\n  c: d\n",
            "a: *\n",
            "a: &\n",
            "a: @x\n",
            "a: `x\n",
            "a: 1 # comment\n# another\nb: 2\n",
            "tools:\n  read_file:\n    decision: allow\n    files:\n      read: [\"docs/**\"]\n",
            "é: ü\n\"\\u263A\": x\n",
            "[" + "[".repeat(19) + "]".repeat(19) + "]",
            "a: &a [x]\n" + "b: [" + "*a, ".repeat(49) + "*a]\n",
            "a: &a x\n" + "b: [" + "*a, ".repeat(80) + "*a]\n"));
    return texts.stream();
  }

  @ParameterizedTest
  @MethodSource("texts")
  void buildsAndRefusesAsSnakeYamlsComposer(String text) {
    LoaderOptions options = YamlTree.options();
    Object expected;
    try {
      expected =
          new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options)
              .getSingleNode();
    } catch (YAMLException e) {
      expected = e;
    }
    Object actual;
    try {
      actual = YamlTree.single(new ParserImpl(new StreamReader(text), options), options);
    } catch (YAMLException e) {
      actual = e;
    }
    if (expected instanceof YAMLException refusal) {
      assertThat(actual).isInstanceOf(YAMLException.class);
      assertEquals(words(refusal), words((YAMLException) actual));
    } else if (expected == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isInstanceOf(YamlNode.class);
      assertSameTree((Node) expected, (YamlNode) actual, new IdentityHashMap<>());
    }
  }

  /**
   * Where SnakeYAML's composer differs, on purpose: it builds a list or mapping that contains
   * itself, which whatever walks it follows until the stack runs out; it names no place for its
   * limits; and it builds the billions of values a few hundred bytes of aliases can name.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "a: &x [*x]|found recursive alias x: it names a list or mapping that contains it @ 0:7",
        "a: &x {b: *x}|found recursive alias x: it names a list or mapping that contains it @ 0:10",
        "a: [&x [*x]]|found recursive alias x: it names a list or mapping that contains it @ 0:8",
      })
  void refusesAnAliasToAListOrMappingThatContainsIt(String text, String refusal) {
    assertThat(refusal(text)).isEqualTo("null @ - / " + refusal);
  }

  @Test
  void namesThePlaceOfTheLimitsItEnforces() {
    String deep = "[".repeat(22) + "]".repeat(22);
    assertThat(refusal(deep)).isEqualTo("null @ - / Nesting Depth exceeded max 20 @ 0:21");
    String aliases = "a: &a [x]\n" + "b: [" + "*a, ".repeat(50) + "*a]\n";
    assertThat(refusal(aliases))
        .isEqualTo(
            "null @ - / Number of aliases for non-scalar nodes exceeds the specified max=50 @ 1:"
                + (4 + 4 * 50));
  }

  @Test
  void refusesAliasesThatExpandPastTheLimitWhereTheyDo() {
    StringBuilder text = new StringBuilder("a0: &a0 [x, x]\n");
    for (int level = 1; level <= 24; level++) {
      text.append("a")
          .append(level)
          .append(": &a")
          .append(level)
          .append(" [*a")
          .append(level - 1)
          .append(", *a")
          .append(level - 1)
          .append("]\n");
    }
    // Level n names 2^(n+2) - 1 values; with those before it, level 14 takes the document past
    // 100,000: refused at that level's list (line 14, column 5).
    assertThat(refusal(text.toString()))
        .isEqualTo(
            "null @ - / the aliases here make the document hold more than 100000 values @ 14:5");
  }

  private static String refusal(String text) {
    LoaderOptions options = YamlTree.options();
    try {
      YamlTree.single(new ParserImpl(new StreamReader(text), options), options);
    } catch (YAMLException e) {
      return words(e);
    }
    return "accepted";
  }

  private static String words(YAMLException e) {
    if (e instanceof MarkedYAMLException marked) {
      return marked.getContext()
          + " @ "
          + place(marked.getContextMark())
          + " / "
          + marked.getProblem()
          + " @ "
          + place(marked.getProblemMark());
    }
    return e.getMessage();
  }

  private static String place(Mark mark) {
    return mark == null ? "-" : mark.getLine() + ":" + mark.getColumn();
  }

  /** Compares two trees, following a node met again (an alias) only once. */
  private static void assertSameTree(Node expected, YamlNode actual, Map<Node, YamlNode> seen) {
    if (seen.containsKey(expected)) {
      assertThat(seen.get(expected)).isSameAs(actual);
      return;
    }
    seen.put(expected, actual);
    String where = "node at " + place(expected.getStartMark());
    assertEquals(expected.getTag().getValue(), actual.getTag(), where);
    assertEquals(place(expected.getStartMark()), actual.line() + ":" + actual.column(), where);
    if (expected instanceof ScalarNode scalar) {
      assertThat(actual).as(where).isInstanceOf(YamlScalar.class);
      assertEquals(scalar.getValue(), ((YamlScalar) actual).getValue(), where);
      Character style = scalar.getScalarStyle().getChar();
      assertEquals(
          style == null ? YamlScalar.PLAIN : (char) style, ((YamlScalar) actual).style(), where);
    } else if (expected instanceof SequenceNode list) {
      assertThat(actual).as(where).isInstanceOf(YamlList.class);
      List<YamlNode> items = ((YamlList) actual).getValue();
      assertEquals(list.getValue().size(), items.size(), where);
      for (int i = 0; i < items.size(); i++) {
        assertSameTree(list.getValue().get(i), items.get(i), seen);
      }
    } else {
      assertThat(actual).as(where).isInstanceOf(YamlMap.class);
      List<NodeTuple> tuples = ((MappingNode) expected).getValue();
      List<YamlEntry> entries = ((YamlMap) actual).getValue();
      assertEquals(tuples.size(), entries.size(), where);
      for (int i = 0; i < entries.size(); i++) {
        assertSameTree(tuples.get(i).getKeyNode(), entries.get(i).key(), seen);
        assertSameTree(tuples.get(i).getValueNode(), entries.get(i).value(), seen);
      }
    }
  }
}
