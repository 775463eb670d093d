package io.toolguard.agent.policy.read;

import org.yaml.snakeyaml.error.Mark;

/**
 * A node of a policy file's YAML tree, as {@link YamlTree} builds it from SnakeYAML's parser
 * events. toolguard's own instead of SnakeYAML's {@code nodes} package: SnakeYAML's {@code Tag}
 * loads {@code java.sql} and a URI escaper in its static initialiser, and its composer needs a
 * {@code Resolver} that compiles ten regular expressions in its own, all on every JVM's start-up
 * path. The accessors keep SnakeYAML's names, so that the sections read as they did.
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
  private final Mark start;

  YamlNode(String tag, Mark start) {
    this.tag = tag;
    this.start = start;
  }

  /**
   * {@return the node's tag: the one written ({@code !!str x}), or the one YAML gives a value
   * without one ({@link #INT} for {@code 42}, {@link #STR} for {@code "42"})}
   */
  final String getTag() {
    return tag;
  }

  /** {@return where the node starts in the file} */
  final Mark getStartMark() {
    return start;
  }
}
