package io.toolguard.agent.policy.read;

/**
 * The tag YAML 1.1 gives an unquoted value written without one, decided exactly as SnakeYAML's
 * {@code Resolver} decides it (its regular expressions, and the lengths past which it stops trying
 * them), but by hand: that class compiles its ten expressions in its static initialiser, 30–45 ms
 * of every start-up. {@code ImplicitTagsTest} checks the two agree.
 *
 * <p>What the policy code depends on: {@code true}, {@code no}, {@code on}… are booleans, {@code
 * 1}, {@code 0x1f}, {@code 1_000} are integers, {@code 1.5}, {@code 1e3}, {@code .inf} are floating
 * point numbers, {@code 2024-01-31} is a timestamp, an empty value, {@code ~} and {@code null} are
 * null, anything else is a string; a key or value expected to be text must then be text.
 */
final class ImplicitTags {

  /** SnakeYAML does not try a value longer than this as an integer or a floating point number. */
  private static final int NUMBER_LIMIT = 1024;

  /** SnakeYAML does not try a value longer than this as a timestamp. */
  private static final int TIMESTAMP_LIMIT = 50;

  private ImplicitTags() {}

  /** {@return the tag of an unquoted value written without a tag} */
  static String of(String value) {
    int length = value.length();
    if (isBool(value)) {
      return YamlNode.BOOL;
    }
    if (length <= NUMBER_LIMIT && isInt(value)) {
      return YamlNode.INT;
    }
    if (length <= NUMBER_LIMIT && isFloat(value)) {
      return YamlNode.FLOAT;
    }
    if (value.equals("<<")) {
      return YamlNode.MERGE;
    }
    if (length <= TIMESTAMP_LIMIT && isTimestamp(value)) {
      return YamlNode.TIMESTAMP;
    }
    if (value.equals("!") || value.equals("&") || value.equals("*")) {
      return YamlNode.YAML;
    }
    if (isNull(value)) {
      return YamlNode.NULL;
    }
    return YamlNode.STR;
  }

  private static boolean isBool(String value) {
    switch (value) {
      case "yes",
      "Yes",
      "YES",
      "no",
      "No",
      "NO",
      "true",
      "True",
      "TRUE",
      "false",
      "False",
      "FALSE",
      "on",
      "On",
      "ON",
      "off",
      "Off",
      "OFF":
        return true;
      default:
        return false;
    }
  }

  private static boolean isNull(String value) {
    switch (value) {
      case "", "~", "null", "Null", "NULL", " ":
        return true;
      default:
        return false;
    }
  }

  /**
   * Binary ({@code 0b1_0}), octal ({@code 017}), decimal ({@code -1_000}), hexadecimal ({@code
   * 0xff}) or base 60 ({@code 1:30}), each with an optional sign and {@code _} between digits.
   */
  private static boolean isInt(String value) {
    int length = value.length();
    int at = signed(value);
    if (at == length) {
      return false;
    }
    char first = value.charAt(at);
    if (first == '0') {
      if (at + 1 == length) {
        return true;
      }
      char second = value.charAt(at + 1);
      if (second == 'b') {
        return digitsAndUnderscores(value, at + 2, length, 2);
      }
      if (second == 'x') {
        return digitsAndUnderscores(value, at + 2, length, 16);
      }
      return digitsAndUnderscores(value, at + 1, length, 8);
    }
    if (first < '1' || first > '9') {
      return false;
    }
    int end = decimalRun(value, at + 1, length);
    return end == length || baseSixtyEnd(value, end) == length;
  }

  /**
   * {@code 1.5}, {@code 1.}, {@code 1e3} (an exponent needs no point), {@code .5}, {@code 1:30.5}
   * (base 60, without exponent), {@code .inf}, each with an optional sign; and {@code .nan} without
   * one. {@code _} may stand among the digits before an exponent.
   */
  private static boolean isFloat(String value) {
    if (value.equals(".nan") || value.equals(".NaN") || value.equals(".NAN")) {
      return true;
    }
    int length = value.length();
    int at = signed(value);
    String rest = value.substring(at);
    if (rest.equals(".inf") || rest.equals(".Inf") || rest.equals(".INF")) {
      return true;
    }
    int exponent = at;
    while (exponent < length && value.charAt(exponent) != 'e' && value.charAt(exponent) != 'E') {
      exponent++;
    }
    boolean hasExponent = exponent < length;
    if (hasExponent && !isExponent(value, exponent + 1, length)) {
      return false;
    }
    int end = exponent;
    if (at == end) {
      return false;
    }
    char first = value.charAt(at);
    if (first == '.') {
      return at + 1 < end && decimalRun(value, at + 1, end) == end;
    }
    if (!isDigit(first)) {
      return false;
    }
    int whole = decimalRun(value, at + 1, end);
    if (whole == end) {
      return hasExponent;
    }
    if (value.charAt(whole) == '.') {
      return decimalRun(value, whole + 1, end) == end;
    }
    if (value.charAt(whole) == ':' && !hasExponent) {
      int point = baseSixtyEnd(value, whole);
      return point > 0
          && point < end
          && value.charAt(point) == '.'
          && decimalRun(value, point + 1, end) == end;
    }
    return false;
  }

  /** {@code [-+]?[0-9]+} from {@code from} to {@code end}. */
  private static boolean isExponent(String value, int from, int end) {
    int at =
        from < end && (value.charAt(from) == '-' || value.charAt(from) == '+') ? from + 1 : from;
    if (at == end) {
      return false;
    }
    for (int i = at; i < end; i++) {
      if (!isDigit(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code 2024-01-31}, or a date with one- or two-digit month and day, then {@code T}, {@code t}
   * or blanks, a time {@code 9:05:00} with optional fraction, and an optional zone ({@code Z},
   * {@code +1}, {@code -05:30}, perhaps after blanks).
   */
  private static boolean isTimestamp(String value) {
    int length = value.length();
    if (length < 8 || !isDigit(value, 0, 4) || value.charAt(4) != '-') {
      return false;
    }
    int month = oneOrTwoDigits(value, 5);
    if (month < 0 || month == length || value.charAt(month) != '-') {
      return false;
    }
    int day = oneOrTwoDigits(value, month + 1);
    if (day < 0) {
      return false;
    }
    if (day == length) {
      return month - 5 == 2 && day - (month + 1) == 2;
    }
    int at = day;
    if (value.charAt(at) == 'T' || value.charAt(at) == 't') {
      at++;
    } else {
      int blanks = blanks(value, at);
      if (blanks == at) {
        return false;
      }
      at = blanks;
    }
    at = oneOrTwoDigits(value, at);
    if (at < 0 || !isTimePart(value, at) || !isTimePart(value, at + 3)) {
      return false;
    }
    at += 6;
    if (at < length && value.charAt(at) == '.') {
      at++;
      while (at < length && isDigit(value.charAt(at))) {
        at++;
      }
    }
    if (at == length) {
      return true;
    }
    at = blanks(value, at);
    if (at == length) {
      return false;
    }
    char zone = value.charAt(at);
    if (zone == 'Z') {
      return at + 1 == length;
    }
    if (zone != '-' && zone != '+') {
      return false;
    }
    at = oneOrTwoDigits(value, at + 1);
    if (at < 0) {
      return false;
    }
    return at == length || (isTimePart(value, at) && at + 3 == length);
  }

  /** {@code :} and two digits at {@code at}. */
  private static boolean isTimePart(String value, int at) {
    return at + 3 <= value.length() && value.charAt(at) == ':' && isDigit(value, at + 1, 2);
  }

  /** {@return after one or two digits at {@code at}, or -1 if there is no digit there} */
  private static int oneOrTwoDigits(String value, int at) {
    if (at >= value.length() || !isDigit(value.charAt(at))) {
      return -1;
    }
    return at + 1 < value.length() && isDigit(value.charAt(at + 1)) ? at + 2 : at + 1;
  }

  /** {@return after the spaces and tabs at {@code at}} */
  private static int blanks(String value, int at) {
    while (at < value.length() && (value.charAt(at) == ' ' || value.charAt(at) == '\t')) {
      at++;
    }
    return at;
  }

  /**
   * {@return after one or more {@code :} each followed by a base-60 digit ({@code [0-5]?[0-9]})
   * from {@code at}, or -1 if there is none}
   */
  private static int baseSixtyEnd(String value, int at) {
    int length = value.length();
    int groups = 0;
    while (at < length && value.charAt(at) == ':') {
      int digit = at + 1;
      if (digit == length || !isDigit(value.charAt(digit))) {
        return -1;
      }
      boolean two =
          value.charAt(digit) <= '5' && digit + 1 < length && isDigit(value.charAt(digit + 1));
      at = two ? digit + 2 : digit + 1;
      groups++;
    }
    return groups == 0 ? -1 : at;
  }

  /**
   * {@return after the decimal digits and underscores from {@code from}, at most to {@code end}}
   */
  private static int decimalRun(String value, int from, int end) {
    int at = from;
    while (at < end && (isDigit(value.charAt(at)) || value.charAt(at) == '_')) {
      at++;
    }
    return at;
  }

  /**
   * Whether {@code from} to {@code end} holds only digits of the radix and {@code _}, one digit at
   * least.
   */
  private static boolean digitsAndUnderscores(String value, int from, int end, int radix) {
    boolean digit = false;
    for (int i = from; i < end; i++) {
      char c = value.charAt(i);
      if (c == '_') {
        continue;
      }
      if (!isDigitOf(c, radix)) {
        return false;
      }
      digit = true;
    }
    return digit;
  }

  private static boolean isDigitOf(char c, int radix) {
    return switch (radix) {
      case 2 -> c == '0' || c == '1';
      case 8 -> c >= '0' && c <= '7';
      case 16 -> isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      default -> isDigit(c);
    };
  }

  private static int signed(String value) {
    return !value.isEmpty() && (value.charAt(0) == '-' || value.charAt(0) == '+') ? 1 : 0;
  }

  private static boolean isDigit(String value, int from, int count) {
    if (from + count > value.length()) {
      return false;
    }
    for (int i = from; i < from + count; i++) {
      if (!isDigit(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** ASCII digits only, as the expressions' {@code [0-9]}. */
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
