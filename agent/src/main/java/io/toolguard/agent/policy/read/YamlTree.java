package io.toolguard.agent.policy.read;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private int collectionAliases;
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

  private YamlNode single() {
    parser.getEvent(); // the stream's start
    YamlNode document = null;
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      parser.getEvent(); // the document's start
      document = node();
      parser.getEvent(); // the document's end
      anchors.clear();
    }
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      Event event = parser.getEvent();
      throw new Refused(
          "expected a single document in the stream",
          document != null ? document.getStartMark() : null,
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
      if (!(node instanceof YamlScalar)
          && ++collectionAliases > options.getMaxAliasesForCollections()) {
        throw new YAMLException(
            "Number of aliases for non-scalar nodes exceeds the specified max="
                + options.getMaxAliasesForCollections());
      }
      return node;
    }
    // Whatever comes next is a node (the parser saw to that); only then is it counted.
    parser.peekEvent();
    if (depth > options.getNestingDepthLimit()) {
      throw new YAMLException("Nesting Depth exceeded max " + options.getNestingDepthLimit());
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
        new YamlScalar(tag, event.getValue(), event.getStartMark(), event.getScalarStyle());
    name(event, scalar);
    return scalar;
  }

  private YamlNode list() {
    CollectionStartEvent start = (CollectionStartEvent) parser.getEvent();
    List<YamlNode> items = new ArrayList<>();
    YamlList list = new YamlList(collectionTag(start, YamlNode.SEQ), items, start.getStartMark());
    name(start, list);
    while (!parser.checkEvent(Event.ID.SequenceEnd)) {
      items.add(node());
    }
    parser.getEvent();
    return list;
  }

  private YamlNode map() {
    CollectionStartEvent start = (CollectionStartEvent) parser.getEvent();
    List<YamlEntry> entries = new ArrayList<>();
    YamlMap map = new YamlMap(collectionTag(start, YamlNode.MAP), entries, start.getStartMark());
    name(start, map);
    while (!parser.checkEvent(Event.ID.MappingEnd)) {
      YamlNode key = node();
      entries.add(new YamlEntry(key, node()));
    }
    parser.getEvent();
    return map;
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
