package io.toolguard.agent.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an audit log back for {@code suggest}: each line one JSON object, read by a strict JSON
 * parser, whose values are texts, numbers ({@code waited_ms}), booleans ({@code earlier}) or null —
 * numbers and booleans are handed on as their JSON text — and, in a call's line of an audit-mode
 * run, the object {@code values}, whose fields are handed on as {@code values.NAME}. Strict: a line
 * that is not such an object is an error naming the file, the line and the field, never skipped.
 */
final class AuditLogReader {

  private AuditLogReader() {}

  /**
   * {@return every line as a map of its fields, in file order}
   *
   * @throws IOException if the file cannot be read (saying why, as {@code validate} does for a
   *     policy), or a line is not an audit line
   */
  static List<Map<String, String>> read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(
          file + ": this is a directory; give the path of an audit log (toolguard-audit.jsonl)");
    }
    if (!Files.exists(file)) {
      throw new IOException(
          file
              + ": the audit log does not exist (working directory: "
              + Path.of("").toAbsolutePath()
              + ")");
    }
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read the audit log: " + e.getMessage(), e);
    }
    List<Map<String, String>> lines = new ArrayList<>();
    int number = 0;
    for (String line : text) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        lines.add(fields(JsonReader.parse(line)));
      } catch (IllegalArgumentException malformed) {
        throw new IOException(
            file + ":" + number + ": not an audit log line (" + malformed.getMessage() + ")");
      }
    }
    return lines;
  }

  private static Map<String, String> fields(Object json) {
    if (!(json instanceof Map<?, ?> object)) {
      throw new IllegalArgumentException("expected a JSON object, one per line");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    object.forEach(
        (name, value) -> {
          if ("values".equals(name) && value instanceof Map<?, ?> values) {
            // A call's argument values (audit mode), each as "values.<parameter>".
            values.forEach(
                (parameter, argument) -> {
                  if (argument instanceof Map<?, ?> || argument instanceof List<?>) {
                    throw new IllegalArgumentException(
                        "field 'values." + parameter + "' holds an object or array; it holds none");
                  }
                  fields.put(
                      "values." + parameter,
                      argument instanceof BigDecimal number
                          ? number.toPlainString()
                          : String.valueOf(argument));
                });
          } else if (value == null || value instanceof String) {
            fields.put((String) name, (String) value);
          } else if (value instanceof BigDecimal number) {
            fields.put((String) name, number.toPlainString());
          } else if (value instanceof Boolean bool) {
            fields.put((String) name, bool.toString());
          } else {
            throw new IllegalArgumentException(
                "field '" + name + "' holds an object or array; audit lines hold none");
          }
        });
    return fields;
  }
}
