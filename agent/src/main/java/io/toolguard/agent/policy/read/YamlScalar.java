package io.toolguard.agent.policy.read;

/** A text in a policy file: its characters as written, with how it was written (quoted or not). */
final class YamlScalar extends YamlNode {

  /** The style of a value written without quotes. */
  static final char PLAIN = 0;

  private final String value;
  private final char style;

  /**
   * @param style {@link #PLAIN}, or the character that marks the style: {@code '} or {@code "} for
   *     a quoted value, {@code |} or {@code >} for a block of text
   */
  YamlScalar(String tag, String value, int line, int column, char style) {
    super(tag, line, column);
    this.value = value;
    this.style = style;
  }

  String getValue() {
    return value;
  }

  /** {@return how the value was written: {@link #PLAIN}, or the character marking its style} */
  char style() {
    return style;
  }

  boolean isPlain() {
    return style == PLAIN;
  }
}
