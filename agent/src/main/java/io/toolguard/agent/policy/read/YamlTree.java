package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.Location;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Builds the tree of one YAML document from SnakeYAML's parser events, doing what SnakeYAML's
 * {@code Composer} did for toolguard, and refusing what it refused with the same words: a second
 * document, an alias to an anchor not yet defined, more than {@link
 * LoaderOptions#getMaxAliasesForCollections()} aliases to lists or mappings, nesting deeper than
 * {@link LoaderOptions#getNestingDepthLimit()}, and YAML's own tags ({@code !!...}) beyond the
 * standard ones. An alias stands for its anchor's node, as there; {@code <<} is a key like any
 * other (tagged {@link YamlNode#MERGE}), which the sections refuse as unknown. Untagged values are
 * typed by {@link ImplicitTags}.
 *
 * <p>The composer cannot run without SnakeYAML's {@code Resolver}, whose static initialiser
 * compiles ten regular expressions, and its nodes' {@code Tag} loads {@code java.sql}: both on
 * every start-up of the agent, for a file of a few rules.
 */
final class YamlTree {

  /** The tags YAML defines; any other {@code tag:yaml.org,2002:} tag is refused. */
  private static final List<String> STANDARD_TAGS =
      List.of(
          "yaml",
          "merge",
          "set",
          "pairs",
          "omap",
          "binary",
          "int",
          "float",
          "timestamp",
          "bool",
          "null",
          "str",
          "seq",
          "map");

  private final ParserImpl parser;
  private final LoaderOptions options;
  private final Map<String, YamlNode> anchors = new HashMap<>();

  /** The lists and mappings still being read: an alias to one of them is refused. */
  private final Set<YamlNode> open = Collections.newSetFromMap(new IdentityHashMap<>());

  /** How many values each list or mapping read holds, aliases counted as what they name. */
  private final Map<YamlNode, Long> sizes = new IdentityHashMap<>();

  private int collectionAliases;

  /** The most values a document may hold, counting each alias as the values it names. */
  static final long MAX_VALUES = 100_000;

  private int depth;

  private YamlTree(ParserImpl parser, LoaderOptions options) {
    this.parser = parser;
    this.options = options;
  }

  /**
   * {@return the root of the only document {@code parser} reads, or {@code null} if there is none}
   *
   * @throws YAMLException for text that is not YAML, or YAML that toolguard does not read ({@link
   *     MarkedYAMLException} where the place is known)
   */
  static YamlNode single(ParserImpl parser, LoaderOptions options) {
    return new YamlTree(parser, options).single();
  }

  /** {@return the limits SnakeYAML's parser and this class read a policy file with} */
  static LoaderOptions options() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(StrictYaml.MAX_BYTES);
    return options;
  }

  /**
   * {@return the root of the only document in {@code text}, or {@code null} if there is none}
   *
   * @param source the file's name, for problems
   * @throws PolicyException for text that is not YAML, or YAML that toolguard does not read, with
   *     the place where it is known
   */
  static YamlNode compose(String source, String text) throws PolicyException {
    LoaderOptions options = options();
    // SnakeYAML's parser alone: its constructors would initialise java.util.logging in premain,
    // and its composer costs a Resolver's regular expressions.
    try {
      return single(new ParserImpl(new StreamReader(text), options), options);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem =
          e.getContext() == null
              ? e.getProblem()
              : e.getProblem() == null ? e.getContext() : e.getContext() + ", " + e.getProblem();
      Location at =
          mark == null
              ? new Location(source, 1, 1)
              : new Location(source, mark.getLine() + 1, mark.getColumn() + 1);
      throw StrictYaml.single(at, "not valid YAML: " + problem + StrictYaml.hint(problem));
    } catch (YAMLException e) {
      throw StrictYaml.single(new Location(source, 1, 1), "not valid YAML: " + e.getMessage());
    }
  }

  private YamlNode single() {
    parser.getEvent(); // the stream's start
    YamlNode document = null;
    Mark documentStart = null;
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      parser.getEvent(); // the document's start
      documentStart = parser.peekEvent().getStartMark();
      document = node();
      parser.getEvent(); // the document's end
      anchors.clear();
    }
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      Event event = parser.getEvent();
      throw new Refused(
          "expected a single document in the stream",
          documentStart,
          "but found another document",
          event.getStartMark());
    }
    parser.getEvent(); // the stream's end
    return document;
  }

  private YamlNode node() {
    if (parser.checkEvent(Event.ID.Alias)) {
      AliasEvent alias = (AliasEvent) parser.getEvent();
      YamlNode node = anchors.get(alias.getAnchor());
      if (node == null) {
        throw new Refused(
            null, null, "found undefined alias " + alias.getAnchor(), alias.getStartMark());
      }
      if (open.contains(node)) {
        // A value that contains itself has no end: whatever walks it (the cases of `toolguard
        // test`) would recurse until the stack ran out.
        throw new Refused(
            null,
            null,
            "found recursive alias "
                + alias.getAnchor()
                + ": it names a list or mapping that contains it",
            alias.getStartMark());
      }
      if (!(node instanceof YamlScalar)
          && ++collectionAliases > options.getMaxAliasesForCollections()) {
        throw new Refused(
            null,
            null,
            "Number of aliases for non-scalar nodes exceeds the specified max="
                + options.getMaxAliasesForCollections(),
            alias.getStartMark());
      }
      return node;
    }
    // Whatever comes next is a node (the parser saw to that); only then is it counted.
    Event next = parser.peekEvent();
    if (depth > options.getNestingDepthLimit()) {
      throw new Refused(
          null,
          null,
          "Nesting Depth exceeded max " + options.getNestingDepthLimit(),
          next.getStartMark());
    }
    depth++;
    YamlNode node;
    if (parser.checkEvent(Event.ID.Scalar)) {
      node = scalar();
    } else if (parser.checkEvent(Event.ID.SequenceStart)) {
      node = list();
    } else {
      node = map();
    }
    depth--;
    return node;
  }

  private YamlNode scalar() {
    ScalarEvent event = (ScalarEvent) parser.getEvent();
    String written = event.getTag();
    String tag;
    if (written == null || written.equals("!")) {
      tag =
          event.getImplicit().canOmitTagInPlainScalar()
              ? ImplicitTags.of(event.getValue())
              : YamlNode.STR;
    } else {
      tag = explicit(written, event);
    }
    YamlScalar scalar =
        new YamlScalar(
            tag,
            event.getValue(),
            event.getStartMark().getLine(),
            event.getStartMark().getColumn(),
            style(event));
    name(event, scalar);
    return scalar;
  }

  private YamlNode list() {
    CollectionStartEvent start = (CollectionStartEvent) parser.getEvent();
    List<YamlNode> items = new ArrayList<>();
    YamlList list =
        new YamlList(
            collectionTag(start, YamlNode.SEQ),
            items,
            start.getStartMark().getLine(),
            start.getStartMark().getColumn());
    name(start, list);
    open.add(list);
    long size = 1;
    while (!parser.checkEvent(Event.ID.SequenceEnd)) {
      Mark at = parser.peekEvent().getStartMark();
      YamlNode item = node();
      items.add(item);
      size = counted(size, item, at);
    }
    parser.getEvent();
    open.remove(list);
    sizes.put(list, size);
    return list;
  }

  private YamlNode map() {
    CollectionStartEvent start = (CollectionStartEvent) parser.getEvent();
    List<YamlEntry> entries = new ArrayList<>();
    YamlMap map =
        new YamlMap(
            collectionTag(start, YamlNode.MAP),
            entries,
            start.getStartMark().getLine(),
            start.getStartMark().getColumn());
    name(start, map);
    open.add(map);
    long size = 1;
    while (!parser.checkEvent(Event.ID.MappingEnd)) {
      Mark at = parser.peekEvent().getStartMark();
      YamlNode key = node();
      size = counted(size, key, at);
      at = parser.peekEvent().getStartMark();
      YamlNode value = node();
      size = counted(size, value, at);
      entries.add(new YamlEntry(key, value));
    }
    parser.getEvent();
    open.remove(map);
    sizes.put(map, size);
    return map;
  }

  /**
   * {@return {@code size} with the values of {@code node} added}
   *
   * @throws Refused past {@link #MAX_VALUES}: aliases to lists of aliases to lists multiply, and a
   *     file of a few hundred bytes under the alias limit can name billions of values
   */
  private long counted(long size, YamlNode node, Mark at) {
    Long known = sizes.get(node);
    long total = size + (known == null ? 1 : known);
    if (total > MAX_VALUES) {
      throw new Refused(
          null,
          null,
          "the aliases here make the document hold more than " + MAX_VALUES + " values",
          at);
    }
    return total;
  }

  /**
   * Records the node an anchor names (the later of two anchors of one name wins); a collection is
   * named before its items are read, so that an alias among them may refer to it.
   */
  private void name(NodeEvent event, YamlNode node) {
    if (event.getAnchor() != null) {
      anchors.put(event.getAnchor(), node);
    }
  }

  private static char style(ScalarEvent event) {
    Character written = event.getScalarStyle().getChar();
    return written == null ? YamlScalar.PLAIN : written;
  }

  private static String collectionTag(CollectionStartEvent start, String implicit) {
    String written = start.getTag();
    return written == null || written.equals("!") ? implicit : explicit(written, start);
  }

  /**
   * {@return a tag written in the file}: YAML's own must be one it defines (SnakeYAML refuses
   * others, which name Java classes to make, as {@code !!java.io.File}); any other is kept, and
   * fails the sections' type checks.
   */
  private static String explicit(String written, Event event) {
    if (written.startsWith(YamlNode.PREFIX)
        && !STANDARD_TAGS.contains(written.substring(YamlNode.PREFIX.length()))) {
      throw new Refused(null, null, "Global tag is not allowed: " + written, event.getStartMark());
    }
    return written;
  }

  /** A refusal with its place in the file, worded as SnakeYAML's composer words it. */
  private static final class Refused extends MarkedYAMLException {
    private static final long serialVersionUID = 1L;

    Refused(String context, Mark contextMark, String problem, Mark problemMark) {
      super(context, contextMark, problem, problemMark);
    }
  }
}
