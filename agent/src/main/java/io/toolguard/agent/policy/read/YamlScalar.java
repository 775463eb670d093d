package io.toolguard.agent.policy.read;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;

/** A text in a policy file: its characters as written, with how it was written (quoted or not). */
final class YamlScalar extends YamlNode {

  private final String value;
  private final DumperOptions.ScalarStyle style;

  YamlScalar(String tag, String value, Mark start, DumperOptions.ScalarStyle style) {
    super(tag, start);
    this.value = value;
    this.style = style;
  }

  String getValue() {
    return value;
  }

  DumperOptions.ScalarStyle getScalarStyle() {
    return style;
  }
}
