package io.toolguard.agent.policy.read;

/**
 * A node of a policy file's YAML tree, as {@link PlainYaml} reads it or {@link YamlTree} builds it
 * from SnakeYAML's parser events. toolguard's own instead of SnakeYAML's {@code nodes} package:
 * SnakeYAML's {@code Tag} loads {@code java.sql} and a URI escaper in its static initialiser, and
 * its composer needs a {@code Resolver} that compiles ten regular expressions in its own, all on
 * every JVM's start-up path. The accessors keep SnakeYAML's names, so that the sections read as
 * they did.
 */
abstract sealed class YamlNode permits YamlScalar, YamlList, YamlMap {

  /** The prefix of YAML's standard tags ({@code !!str} is {@code tag:yaml.org,2002:str}). */
  static final String PREFIX = "tag:yaml.org,2002:";

  static final String STR = PREFIX + "str";
  static final String INT = PREFIX + "int";
  static final String FLOAT = PREFIX + "float";
  static final String BOOL = PREFIX + "bool";
  static final String NULL = PREFIX + "null";
  static final String TIMESTAMP = PREFIX + "timestamp";
  static final String MERGE = PREFIX + "merge";
  static final String YAML = PREFIX + "yaml";
  static final String SEQ = PREFIX + "seq";
  static final String MAP = PREFIX + "map";

  private final String tag;
  private final int line;
  private final int column;

  /**
   * @param line the line the node starts on, counted from 0 (as SnakeYAML's marks count)
   * @param column the column it starts at, in code points, counted from 0
   */
  YamlNode(String tag, int line, int column) {
    this.tag = tag;
    this.line = line;
    this.column = column;
  }

  /**
   * {@return the node's tag: the one written ({@code !!str x}), or the one YAML gives a value
   * without one ({@link #INT} for {@code 42}, {@link #STR} for {@code "42"})}
   */
  final String getTag() {
    return tag;
  }

  /** {@return the line the node starts on, counted from 0} */
  final int line() {
    return line;
  }

  /** {@return the column the node starts at, counted from 0} */
  final int column() {
    return column;
  }
}
