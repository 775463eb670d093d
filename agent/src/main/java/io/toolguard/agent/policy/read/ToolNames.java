package io.toolguard.agent.policy.read;

import java.lang.Character.UnicodeScript;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What makes a tool name in a policy mean something else than it shows. A rule's name is matched
 * character by character, so a name with a character nobody sees (a no-break or zero-width space, a
 * bidirectional override) or a letter from another script that looks Latin (a Cyrillic {@code е} in
 * {@code read_filе}) reads as the tool's name and silently matches nothing — a deny rule that
 * denies nothing.
 */
final class ToolNames {

  private ToolNames() {}

  /** A character of a name that does not show as itself, and where it is (in code points). */
  record Hidden(int index, int codePoint) {

    /** {@return the character as {@code U+200B ZERO WIDTH SPACE}} */
    String describe() {
      String name = Character.getName(codePoint);
      return String.format(Locale.ROOT, "U+%04X", codePoint) + (name == null ? "" : " " + name);
    }
  }

  /**
   * {@return the first character of {@code name} that is invisible, a space other than U+0020, a
   * control, format (bidirectional, zero-width, soft hyphen, tag), private-use, unassigned or
   * surrogate character, a variation selector or a blank letter}
   */
  static Optional<Hidden> hidden(String name) {
    int index = 0;
    for (int i = 0; i < name.length(); index++) {
      int c = name.codePointAt(i);
      if (isHidden(c)) {
        return Optional.of(new Hidden(index, c));
      }
      i += Character.charCount(c);
    }
    return Optional.empty();
  }

  /** {@return {@code name} with each hidden character written as {@code \\u{200B}}} */
  static String shown(String name) {
    StringBuilder shown = new StringBuilder();
    name.codePoints()
        .forEach(
            c -> {
              if (isHidden(c)) {
                shown.append(String.format(Locale.ROOT, "\\u{%04X}", c));
              } else {
                shown.appendCodePoint(c);
              }
            });
    return shown.toString();
  }

  private static boolean isHidden(int c) {
    if (c == ' ') {
      return false;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.SURROGATE ->
          true;
      default ->
          (c >= 0xFE00 && c <= 0xFE0F)
              || (c >= 0xE0100 && c <= 0xE01EF)
              || c == 0x115F
              || c == 0x1160
              || c == 0x3164
              || c == 0xFFA0
              || c == 0x2800;
    };
  }

  /**
   * {@return the scripts of the letters of {@code name}, when they are more than one} (digits,
   * punctuation and other characters common to all scripts do not count)
   */
  static Optional<Set<UnicodeScript>> mixedScripts(String name) {
    Set<UnicodeScript> scripts = new TreeSet<>();
    name.codePoints()
        .filter(Character::isLetter)
        .mapToObj(UnicodeScript::of)
        .filter(script -> script != UnicodeScript.COMMON && script != UnicodeScript.INHERITED)
        .forEach(scripts::add);
    return scripts.size() > 1 ? Optional.of(scripts) : Optional.empty();
  }
}
