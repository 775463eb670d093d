package io.toolguard.agent.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) for the command-line tools, which read toolguard's own output
 * back. The JDK has no JSON parser, and the agent jar bundles no general one; a reader of about a
 * hundred lines, tested against every kind of line the agent writes, costs less than shading a
 * library into a jar that must stay small, and the agent never loads it: only commands do.
 *
 * <p>Objects become {@link LinkedHashMap}s (a repeated name is an error), arrays {@link List}s,
 * numbers {@link BigDecimal}s, {@code true}/{@code false} {@link Boolean}s and {@code null} null.
 * Nothing is lenient: no comments, no trailing commas, no single quotes, no leading zeros, no
 * unescaped control characters, no lone text after the value. Errors name the column and, inside an
 * object, the field.
 */
final class JsonReader {

  private static final int MAX_DEPTH = 64;

  private final String text;
  private int at;
  private int depth;
  private String field;

  private JsonReader(String text) {
    this.text = text;
  }

  /**
   * {@return the one JSON value {@code text} holds}
   *
   * @throws IllegalArgumentException saying what is wrong, where, and in which field
   */
  static Object parse(String text) {
    JsonReader reader = new JsonReader(text);
    reader.skipSpace();
    Object value = reader.value();
    reader.skipSpace();
    if (reader.at != text.length()) {
      throw reader.error("text after the value");
    }
    return value;
  }

  private Object value() {
    if (at >= text.length()) {
      throw error("the text ends where a value should start");
    }
    char c = text.charAt(at);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("expected a value (a string, number, object, array, true, false or null)");
      }
    };
  }

  private Map<String, Object> object() {
    enter();
    at++;
    Map<String, Object> fields = new LinkedHashMap<>();
    String outer = field;
    skipSpace();
    if (!consume('}')) {
      do {
        skipSpace();
        if (at >= text.length() || text.charAt(at) != '"') {
          throw error("expected a field name in double quotes");
        }
        String name = string();
        skipSpace();
        expect(':');
        skipSpace();
        field = name;
        if (fields.containsKey(name)) {
          throw error("the field appears twice");
        }
        fields.put(name, value());
        skipSpace();
      } while (consume(','));
      expect('}');
    }
    field = outer;
    depth--;
    return fields;
  }

  private List<Object> array() {
    enter();
    at++;
    List<Object> values = new ArrayList<>();
    skipSpace();
    if (!consume(']')) {
      do {
        skipSpace();
        values.add(value());
        skipSpace();
      } while (consume(','));
      expect(']');
    }
    depth--;
    return values;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private String string() {
    at++;
    StringBuilder value = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return value.toString();
      }
      if (c < 0x20) {
        at--;
        throw error("a control character must be escaped inside a string");
      }
      if (c != '\\') {
        value.append(c);
        continue;
      }
      if (at >= text.length()) {
        break;
      }
      char escaped = text.charAt(at++);
      switch (escaped) {
        case '"', '\\', '/' -> value.append(escaped);
        case 'n' -> value.append('\n');
        case 'r' -> value.append('\r');
        case 't' -> value.append('\t');
        case 'b' -> value.append('\b');
        case 'f' -> value.append('\f');
        case 'u' -> value.append(hexChar());
        default -> {
          at -= 2;
          throw error("unknown escape \\" + escaped);
        }
      }
    }
    throw error("a string is not closed");
  }

  private char hexChar() {
    int code = 0;
    for (int i = 0; i < 4; i++) {
      // Character.digit would also take other scripts' digits; JSON takes ASCII hex only.
      char c = at < text.length() ? text.charAt(at) : 'x';
      int digit = c < 0x80 ? Character.digit(c, 16) : -1;
      if (digit < 0) {
        throw error("a \\u escape needs four hex digits");
      }
      code = code * 16 + digit;
      at++;
    }
    return (char) code;
  }

  private BigDecimal number() {
    int start = at;
    consume('-');
    if (consume('0')) {
      if (digits() > 0) {
        at = start;
        throw error("a number cannot start with 0");
      }
    } else if (digits() == 0) {
      throw error("expected a digit");
    }
    if (consume('.') && digits() == 0) {
      throw error("expected a digit after the decimal point");
    }
    if (consume('e') || consume('E')) {
      if (!consume('+')) {
        consume('-');
      }
      if (digits() == 0) {
        throw error("expected a digit in the exponent");
      }
    }
    return new BigDecimal(text.substring(start, at));
  }

  private int digits() {
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    return at - start;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, at)) {
      throw error("expected a value (a string, number, object, array, true, false or null)");
    }
    at += word.length();
    return value;
  }

  private void skipSpace() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  private boolean consume(char c) {
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!consume(c)) {
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        what + " at column " + (at + 1) + (field == null ? "" : " (in field '" + field + "')"));
  }
}
