package io.toolguard.agent.policy.read;

import java.util.List;

/**
 * A list in a policy file. Its items are added while the file is read (an alias inside the list may
 * name the list itself, as in SnakeYAML's composer), never after {@link YamlTree} returns.
 */
final class YamlList extends YamlNode {

  private final List<YamlNode> items;

  YamlList(String tag, List<YamlNode> items, int line, int column) {
    super(tag, line, column);
    this.items = items;
  }

  List<YamlNode> getValue() {
    return items;
  }
}
