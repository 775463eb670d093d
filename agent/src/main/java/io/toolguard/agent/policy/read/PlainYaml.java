package io.toolguard.agent.policy.read;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the plain YAML a policy file is usually written in, without SnakeYAML: loading and running
 * SnakeYAML's scanner and parser, about 70 classes interpreted, was half the time the agent took to
 * read a policy at start-up. What it reads it reads to the very tree {@link YamlTree} builds from
 * SnakeYAML's events (tags, texts, quoting, every node's line and column: {@code PlainYamlTest}
 * compares the two on every policy of the project and on generated and damaged text); anything else
 * it declines, and the caller hands the text to SnakeYAML, whose reading, and whose words for a
 * mistake, stay the reference.
 *
 * <p>What it reads: printable ASCII in lines ending with {@code \n}; comments; block mappings of
 * keys written plain or quoted, on one line each, followed by {@code ": "} or by {@code ":"} at the
 * end of the line; block lists of {@code "- "} items, an item a value or a mapping begun on its
 * line; values on one line: plain, {@code 'single'}-quoted, {@code "double"}-quoted without
 * escapes, and {@code [lists]} and {@code {mappings}} of such values. What it declines: everything
 * else, among it every mistake (SnakeYAML words the problem), tabs, text other than printable
 * ASCII, document markers and directives, anchors, aliases and tags, values over several lines,
 * block text ({@code |}, {@code >}), escapes, {@code ?} keys, a list or mapping as a key, a list
 * written at its key's own indentation, nesting deeper than {@link #MAX_DEPTH}, and the sizes near
 * SnakeYAML's limits: a key of more than {@link #MAX_KEY} characters, more than {@link #MAX_NODES}
 * values, text of more than {@link StrictYaml#MAX_BYTES} characters.
 */
final class PlainYaml {

  /** Deeper text goes to SnakeYAML, which refuses it past its own limit. */
  static final int MAX_DEPTH = 16;

  /** A longer key goes to SnakeYAML, which looks for a key's {@code :} within 1,024 characters. */
  private static final int MAX_KEY = 512;

  private final String text;

  /**
   * Past this many values (keys, lists and mappings counted) the text goes to SnakeYAML, whose
   * reading refuses a document of more than {@link YamlTree#MAX_VALUES}.
   */
  private static final int MAX_NODES = (int) (YamlTree.MAX_VALUES / 2);

  /** The values read so far. */
  private int nodes;

  /** Each line's first character and the end of its text (before its {@code \n}). */
  private final int[] starts;

  private final int[] ends;

  /** The next line not yet read that holds more than spaces and a comment, or the line count. */
  private int line;

  private PlainYaml(String text, int[] starts, int[] ends) {
    this.text = text;
    this.starts = starts;
    this.ends = ends;
  }

  /**
   * {@return the root of the document {@code text} holds, or {@code null} if this reader declines
   * it (text beyond the plain YAML it reads, a mistake, or no document at all)}
   */
  static YamlNode read(String text) {
    if (text.length() > StrictYaml.MAX_BYTES) {
      // SnakeYAML's reader refuses text past this many code points
      return null;
    }
    int count = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        count++;
      } else if (c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    int[] starts = new int[count];
    int[] ends = new int[count];
    int at = 0;
    for (int i = 0; i < count; i++) {
      int end = text.indexOf('\n', at);
      end = end < 0 ? text.length() : end;
      starts[i] = at;
      ends[i] = end;
      if (text.startsWith("---", at) || text.startsWith("...", at) || text.startsWith("%", at)) {
        // a document's start or end, or a directive
        return null;
      }
      at = end + 1;
    }
    PlainYaml reader = new PlainYaml(text, starts, ends);
    try {
      return reader.document();
    } catch (Declined declined) {
      return null;
    }
  }

  private YamlNode document() {
    skipBlank();
    if (line == starts.length) {
      throw Declined.INSTANCE;
    }
    YamlNode root = block(indent(line), 0);
    if (line != starts.length) {
      throw Declined.INSTANCE;
    }
    return root;
  }

  /** A block node that starts at {@code column} of the current line. */
  private YamlNode block(int column, int depth) {
    if (depth > MAX_DEPTH) {
      throw Declined.INSTANCE;
    }
    if (isEntry(column)) {
      return list(column, depth);
    }
    if (keyEnd(column) >= 0) {
      return mapping(column, depth);
    }
    YamlNode value = value(column, depth);
    lineDone(column);
    return value;
  }

  /** A block mapping whose first key is at {@code column} of the current line. */
  private YamlNode mapping(int column, int depth) {
    int first = line;
    List<YamlEntry> entries = new ArrayList<>();
    YamlMap mapping = counted(new YamlMap(YamlNode.MAP, entries, first, column));
    int at = column;
    do {
      int colon = keyEnd(at);
      if (colon < 0) {
        throw Declined.INSTANCE;
      }
      YamlNode key = key(at, colon);
      int rest = skipSpaces(colon + 1);
      YamlNode value;
      if (restIsBlank(colon + 1)) {
        int keyLine = line;
        line++;
        skipBlank();
        if (line < starts.length && indent(line) > column) {
          value = block(indent(line), depth + 1);
        } else if (line < starts.length && indent(line) == column && isEntry(column)) {
          // a list at its key's own indentation: SnakeYAML reads it
          throw Declined.INSTANCE;
        } else {
          value = counted(new YamlScalar(YamlNode.NULL, "", keyLine, colon + 1, YamlScalar.PLAIN));
        }
      } else {
        value = value(rest, depth + 1);
        lineDone(column);
      }
      entries.add(new YamlEntry(key, value));
      at = line < starts.length ? indent(line) : -1;
    } while (at == column);
    if (at > column) {
      throw Declined.INSTANCE;
    }
    return mapping;
  }

  /** A block list whose first {@code -} is at {@code column} of the current line. */
  private YamlNode list(int column, int depth) {
    List<YamlNode> items = new ArrayList<>();
    YamlList list = counted(new YamlList(YamlNode.SEQ, items, line, column));
    int at = column;
    do {
      if (!isEntry(at)) {
        throw Declined.INSTANCE;
      }
      int item = skipSpaces(column + 1);
      if (restIsBlank(column + 1) || isEntry(item)) {
        // an item begun on the next line, or a list in a list: SnakeYAML reads them
        throw Declined.INSTANCE;
      }
      if (keyEnd(item) >= 0) {
        items.add(mapping(item, depth + 1));
      } else {
        items.add(value(item, depth + 1));
        lineDone(column);
      }
      at = line < starts.length ? indent(line) : -1;
    } while (at == column);
    if (at > column) {
      throw Declined.INSTANCE;
    }
    return list;
  }

  /**
   * Checks that nothing but spaces and a comment follows the value just read on the current line,
   * and that the next line holding something is indented no more than {@code column} (more would
   * continue the value, or be a mistake), and moves to it.
   */
  private void lineDone(int column) {
    if (!restIsBlank(valueEnd - starts[line])) {
      throw Declined.INSTANCE;
    }
    line++;
    skipBlank();
    if (line < starts.length && indent(line) > column) {
      throw Declined.INSTANCE;
    }
  }

  /** Where the value {@link #value} or {@link #flow} read last ends on its line (an index). */
  private int valueEnd;

  /** A value on one line, from {@code column} of the current line; sets {@link #valueEnd}. */
  private YamlNode value(int column, int depth) {
    int at = starts[line] + column;
    char c = text.charAt(at);
    if (c == '[' || c == '{') {
      return flow(at, depth);
    }
    if (c == '\'' || c == '"') {
      return quoted(at, ends[line]);
    }
    int end = plainEnd(at, ends[line], false);
    if (end < ends[line] && text.charAt(end) == ':') {
      // "a: b: c", which SnakeYAML refuses
      throw Declined.INSTANCE;
    }
    return plain(at, end);
  }

  /**
   * A list or mapping in brackets, whole on the current line from index {@code at}; sets {@link
   * #valueEnd} past its closing bracket.
   */
  private YamlNode flow(int at, int depth) {
    if (depth > MAX_DEPTH) {
      throw Declined.INSTANCE;
    }
    int end = ends[line];
    boolean isList = text.charAt(at) == '[';
    char close = isList ? ']' : '}';
    List<YamlNode> items = new ArrayList<>();
    List<YamlEntry> entries = new ArrayList<>();
    YamlNode collection =
        isList
            ? counted(new YamlList(YamlNode.SEQ, items, line, at - starts[line]))
            : counted(new YamlMap(YamlNode.MAP, entries, line, at - starts[line]));
    int i = spaces(at + 1, end);
    if (i < end && text.charAt(i) == close) {
      valueEnd = i + 1;
      return collection;
    }
    while (true) {
      int itemStart = i;
      YamlNode item = flowItem(i, end, depth);
      i = spaces(valueEnd, end);
      if (!isList) {
        if (i + 1 >= end
            || text.charAt(i) != ':'
            || text.charAt(i + 1) != ' '
            || !(item instanceof YamlScalar)
            || i - itemStart > MAX_KEY) {
          // SnakeYAML drops a key whose ':' is past 1,024 characters from its start
          throw Declined.INSTANCE;
        }
        YamlNode value = flowItem(spaces(i + 1, end), end, depth);
        entries.add(new YamlEntry(item, value));
        i = spaces(valueEnd, end);
      } else {
        items.add(item);
      }
      if (i >= end) {
        throw Declined.INSTANCE;
      }
      char c = text.charAt(i);
      if (c == close) {
        valueEnd = i + 1;
        return collection;
      }
      if (c != ',') {
        throw Declined.INSTANCE;
      }
      i = spaces(i + 1, end);
      if (i < end && text.charAt(i) == close) {
        // a comma before the closing bracket
        throw Declined.INSTANCE;
      }
    }
  }

  /** A value inside brackets at index {@code at}; sets {@link #valueEnd}. */
  private YamlNode flowItem(int at, int end, int depth) {
    if (at >= end) {
      throw Declined.INSTANCE;
    }
    char c = text.charAt(at);
    if (c == '[' || c == '{') {
      return flow(at, depth + 1);
    }
    if (c == '\'' || c == '"') {
      return quoted(at, end);
    }
    return plain(at, plainEnd(at, end, true));
  }

  /** A quoted value from index {@code at} to its closing quote before {@code end}. */
  private YamlScalar quoted(int at, int end) {
    char quote = text.charAt(at);
    valueEnd = quotedEnd(at, end);
    String value = text.substring(at + 1, valueEnd - 1);
    if (quote == '\'') {
      value = value.replace("''", "'");
    }
    return counted(new YamlScalar(YamlNode.STR, value, line, at - starts[line], quote));
  }

  /**
   * {@return the index past the closing quote of the value quoted from index {@code at}}
   *
   * @throws Declined if it does not close before {@code end} (a value over several lines, which
   *     SnakeYAML folds), or holds an escape ({@code \}, between double quotes)
   */
  private int quotedEnd(int at, int end) {
    char quote = text.charAt(at);
    int i = at + 1;
    while (true) {
      if (i >= end) {
        throw Declined.INSTANCE;
      }
      char c = text.charAt(i);
      if (c == quote) {
        if (quote == '\'' && i + 1 < end && text.charAt(i + 1) == '\'') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      if (c == '\\' && quote == '"') {
        throw Declined.INSTANCE;
      }
      i++;
    }
  }

  /** The plain value from index {@code at} to {@code end}, spaces at its end left out. */
  private YamlScalar plain(int at, int end) {
    int last = end;
    while (last > at && text.charAt(last - 1) == ' ') {
      last--;
    }
    if (last == at) {
      throw Declined.INSTANCE;
    }
    valueEnd = last;
    String value = text.substring(at, last);
    return counted(
        new YamlScalar(ImplicitTags.of(value), value, line, at - starts[line], YamlScalar.PLAIN));
  }

  /**
   * {@return where the plain value from index {@code at} ends}: at the end of the line, at a
   * comment, at a {@code :} that ends a key, and inside brackets at {@code :}, {@code ,}, {@code ?}
   * or a bracket
   *
   * @throws Declined for a first character that makes something else of the value ({@code - } a
   *     list, {@code &} an anchor, {@code !} a tag...), or that SnakeYAML refuses
   */
  private int plainEnd(int at, int end, boolean inBrackets) {
    if (!canStartPlain(at, end)) {
      throw Declined.INSTANCE;
    }
    int i = at;
    while (i < end) {
      char c = text.charAt(i);
      if (c == '#' && text.charAt(i - 1) == ' ') {
        return i;
      }
      if (c == ':' && (inBrackets || i + 1 == end || text.charAt(i + 1) == ' ')) {
        return i;
      }
      if (inBrackets && (c == ',' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}')) {
        return i;
      }
      i++;
    }
    return i;
  }

  private boolean canStartPlain(int at, int end) {
    char c = text.charAt(at);
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    if (c == '-') {
      char next = at + 1 < end ? text.charAt(at + 1) : ' ';
      return next >= 'a' && next <= 'z'
          || next >= 'A' && next <= 'Z'
          || next >= '0' && next <= '9'
          || next == '.';
    }
    return "_./~$()+=^;<".indexOf(c) >= 0;
  }

  /**
   * {@return the column of the {@code :} that ends a key at {@code column} of the current line, or
   * -1 if none does}: a plain or quoted key, on this line, followed at once by {@code ": "} or by
   * {@code ":"} at the end of the line
   */
  private int keyEnd(int column) {
    int start = starts[line] + column;
    int end = ends[line];
    int colon;
    char c = text.charAt(start);
    if (c == '\'' || c == '"') {
      try {
        colon = quotedEnd(start, end);
      } catch (Declined notOnOneLine) {
        return -1;
      }
    } else if (canStartPlain(start, end)) {
      colon = plainEnd(start, end, false);
      if (colon < end && text.charAt(colon) == ':' && text.charAt(colon - 1) == ' ') {
        // "a : b": SnakeYAML reads it; this reader does not
        throw Declined.INSTANCE;
      }
    } else {
      return -1;
    }
    if (colon >= end
        || text.charAt(colon) != ':'
        || colon + 1 < end && text.charAt(colon + 1) != ' ') {
      return -1;
    }
    if (colon - start > MAX_KEY) {
      throw Declined.INSTANCE;
    }
    return colon - starts[line];
  }

  /** The key from {@code column} to the {@code :} at column {@code colon} of the current line. */
  private YamlNode key(int column, int colon) {
    int start = starts[line] + column;
    char c = text.charAt(start);
    if (c == '\'' || c == '"') {
      return quoted(start, ends[line]);
    }
    return plain(start, starts[line] + colon);
  }

  /** Whether a list item begins at {@code column} of the current line: {@code -} and a space. */
  private boolean isEntry(int column) {
    int i = starts[line] + column;
    return i < ends[line]
        && text.charAt(i) == '-'
        && (i + 1 == ends[line] || text.charAt(i + 1) == ' ');
  }

  /**
   * Whether the current line holds nothing from column {@code column} on but spaces and a comment;
   * the comment must follow a space, as in {@code a: # note}.
   */
  private boolean restIsBlank(int column) {
    int from = starts[line] + column;
    int i = spaces(from, ends[line]);
    return i == ends[line] || text.charAt(i) == '#' && i > from;
  }

  /**
   * {@return the column of the first character of the current line from {@code column} on that is
   * not a space}
   */
  private int skipSpaces(int column) {
    return spaces(starts[line] + column, ends[line]) - starts[line];
  }

  /** {@return the first index from {@code i} before {@code end} that is not a space, or end} */
  private int spaces(int i, int end) {
    while (i < end && text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private int indent(int at) {
    return spaces(starts[at], ends[at]) - starts[at];
  }

  /** Moves {@link #line} past lines that hold nothing but spaces and a comment. */
  private void skipBlank() {
    while (line < starts.length) {
      int first = spaces(starts[line], ends[line]);
      if (first < ends[line] && text.charAt(first) != '#') {
        return;
      }
      line++;
    }
  }

  /** {@return {@code node}, counted} */
  private <T extends YamlNode> T counted(T node) {
    if (++nodes > MAX_NODES) {
      throw Declined.INSTANCE;
    }
    return node;
  }

  /** The reader's answer that the text is not the plain YAML it reads. */
  private static final class Declined extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Declined INSTANCE = new Declined();

    private Declined() {
      super(null, null, false, false);
    }
  }
}
