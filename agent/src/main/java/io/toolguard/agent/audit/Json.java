package io.toolguard.agent.audit;

/** Writes JSON string literals; the audit log needs nothing more. */
final class Json {

  private Json() {}

  /** {@return a one-line JSON object of string fields, given as name, value, name, value…; null values stay null} */
  static String object(String... namesAndValues) {
    StringBuilder json = new StringBuilder(256).append('{');
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (i > 0) {
        json.append(',');
      }
      appendString(json, namesAndValues[i]);
      json.append(':');
      appendString(json, namesAndValues[i + 1]);
    }
    return json.append('}').toString();
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
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c) && !validSurrogate(value, i)) {
            out.append(String.format("\\u%04x", (int) c));
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
