package io.toolguard.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an audit log written by a child JVM: one flat JSON object per line, every value as text.
 */
final class AuditLines {

  private static final Pattern FIELD =
      Pattern.compile("\"([a-z0-9_]+)\":(null|true|false|-?[0-9]+|\"((?:[^\"\\\\]|\\\\.)*)\")");

  private AuditLines() {}

  static List<Map<String, String>> read(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(AuditLines::parse).toList();
  }

  /** {@return the lines about tool calls, without file access and policy events} */
  static List<Map<String, String>> calls(Path file) throws IOException {
    return read(file).stream().filter(line -> !line.containsKey("event")).toList();
  }

  static Map<String, String> parse(String line) {
    if (!line.startsWith("{") || !line.endsWith("}")) {
      throw new IllegalArgumentException("not a JSON object: " + line);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = FIELD.matcher(line);
    while (matcher.find()) {
      fields.put(
          matcher.group(1),
          matcher.group(3) != null || matcher.group(2).equals("null")
              ? matcher.group(3)
              : matcher.group(2));
    }
    return fields;
  }
}
