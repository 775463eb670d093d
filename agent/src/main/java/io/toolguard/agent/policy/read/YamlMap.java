package io.toolguard.agent.policy.read;

import java.util.List;

/**
 * A mapping in a policy file: its entries in the file's order, duplicates included (the sections
 * report them). Filled while the file is read, as {@link YamlList} is.
 */
final class YamlMap extends YamlNode {

  private final List<YamlEntry> entries;

  YamlMap(String tag, List<YamlEntry> entries, int line, int column) {
    super(tag, line, column);
    this.entries = entries;
  }

  List<YamlEntry> getValue() {
    return entries;
  }
}
