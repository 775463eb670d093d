package io.toolguard.agent.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an audit log back: each line a flat JSON object whose values are strings or null, as {@link
 * AuditLog} writes them. Strict: a line that is not such an object is an error naming the file and
 * line, never skipped.
 */
public final class AuditLogReader {

  private AuditLogReader() {}

  /**
   * {@return every line as a map of its fields, in file order}
   *
   * @throws IOException if the file cannot be read, or a line is not an audit line
   */
  public static List<Map<String, String>> read(Path file) throws IOException {
    List<Map<String, String>> lines = new ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        lines.add(new LineParser(line).object());
      } catch (IllegalArgumentException malformed) {
        throw new IOException(
            file + ":" + number + ": not an audit log line (" + malformed.getMessage() + ")");
      }
    }
    return lines;
  }

  private static final class LineParser {
    private final String text;
    private int at;

    LineParser(String text) {
      this.text = text.strip();
    }

    Map<String, String> object() {
      Map<String, String> fields = new LinkedHashMap<>();
      expect('{');
      if (peek() != '}') {
        do {
          String name = string();
          expect(':');
          String value = text.startsWith("null", at) ? skipNull() : string();
          if (fields.put(name, value) != null) {
            throw new IllegalArgumentException("field '" + name + "' appears twice");
          }
        } while (consume(','));
      }
      expect('}');
      if (at != text.length()) {
        throw new IllegalArgumentException("text after the object at column " + (at + 1));
      }
      return fields;
    }

    private String skipNull() {
      at += 4;
      return null;
    }

    private String string() {
      expect('"');
      StringBuilder value = new StringBuilder();
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '"') {
          return value.toString();
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
          case 'u' -> {
            if (at + 4 > text.length()) {
              throw new IllegalArgumentException("a \\u escape is cut short");
            }
            value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> throw new IllegalArgumentException("unknown escape \\" + escaped);
        }
      }
      throw new IllegalArgumentException("a string is not closed");
    }

    private char peek() {
      if (at >= text.length()) {
        throw new IllegalArgumentException("the line ends too early");
      }
      return text.charAt(at);
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
        throw new IllegalArgumentException("expected '" + c + "' at column " + (at + 1));
      }
    }
  }
}
