package io.toolguard.agent.audit;

import java.util.List;
import java.util.Locale;

/** Writes one-line JSON: the audit log and the approval API need nothing more. */
public final class Json {

  private Json() {}

  /** Text already written as JSON (an object or an array), placed as it is. */
  public record Raw(String json) {}

  /**
   * {@return a one-line JSON object of the fields given as name, value, name, value…}: a value is a
   * string, a number, a boolean, {@link Raw} JSON or null
   */
  public static String object(Object... namesAndValues) {
    StringBuilder json = new StringBuilder(256).append('{');
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (i > 0) {
        json.append(',');
      }
      appendString(json, (String) namesAndValues[i]);
      json.append(':');
      appendValue(json, namesAndValues[i + 1]);
    }
    return json.append('}').toString();
  }

  /** {@return a JSON array of values already written as JSON} */
  public static String array(List<String> jsonValues) {
    return "[" + String.join(",", jsonValues) + "]";
  }

  private static void appendValue(StringBuilder out, Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Raw raw) {
      out.append(raw.json());
    } else {
      appendString(out, (String) value);
    }
  }

  private static void appendString(StringBuilder out, String value) {
    if (value == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20
              || c == 0x2028
              || c == 0x2029
              || (Character.isSurrogate(c) && !validSurrogate(value, i))) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean validSurrogate(String value, int i) {
    char c = value.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
  }
}
