package io.toolguard.agent.cli;

import java.util.Map;
import java.util.TreeMap;

/**
 * The commands a tool started, the addresses it connected to or listened on, and the environment
 * variables and system properties it read, as an audit log records them, written as the {@code
 * exec}, {@code net} and {@code env} grants that allow exactly those.
 */
final class ObservedReach {

  private final Map<String, Integer> commands = new TreeMap<>();
  private final Map<String, Map<String, Integer>> network = new TreeMap<>();
  private final Map<String, Map<String, Integer>> environment = new TreeMap<>();

  /** Takes an {@code exec}, {@code net} or {@code env} line of the log. */
  void add(Map<String, String> line) {
    if ("env".equals(line.get("event"))) {
      // A whole-map read is not a name to grant.
      if (!"*".equals(line.get("name"))) {
        environment
            .computeIfAbsent(
                "variable".equals(line.get("kind")) ? "variables" : "properties",
                k -> new TreeMap<>())
            .merge(String.valueOf(line.get("name")), 1, Integer::sum);
      }
    } else if ("exec".equals(line.get("event"))) {
      String[] words = String.valueOf(line.get("command")).split(" ", 2);
      // A path is granted as the file it ran; a bare name as itself.
      String program =
          words[0].contains("/") && line.get("executable") != null
              ? line.get("executable")
              : words[0];
      commands.merge(program + '\0' + (words.length > 1 ? words[1] : ""), 1, Integer::sum);
    } else if ("resolve".equals(line.get("operation"))) {
      // A lookup is allowed by the connect or listen grant that names the host.
    } else if (String.valueOf(line.get("address")).startsWith("unix:")) {
      network
          .computeIfAbsent(String.valueOf(line.get("operation")), op -> new TreeMap<>())
          .merge(line.get("address"), 1, Integer::sum);
    } else {
      String address = String.valueOf(line.get("address"));
      int colon = address.lastIndexOf(':');
      String ip = address.substring(0, colon);
      String host =
          line.get("host") != null ? line.get("host") : ip.contains(":") ? "[" + ip + "]" : ip;
      network
          .computeIfAbsent(String.valueOf(line.get("operation")), op -> new TreeMap<>())
          .merge(host + address.substring(colon), 1, Integer::sum);
    }
  }

  void appendTo(StringBuilder yaml) {
    if (!commands.isEmpty()) {
      yaml.append("    exec:\n");
      commands.forEach(
          (key, times) -> {
            String program = key.substring(0, key.indexOf('\0'));
            String arguments = key.substring(key.indexOf('\0') + 1);
            if (!program.startsWith("/") && program.contains("/")) {
              yaml.append("      # not granted: ")
                  .append(program)
                  .append(" ran by a relative path that could not be found\n");
              return;
            }
            yaml.append("      - {command: ")
                .append(SuggestCommand.quoted(program))
                .append(", args: [")
                .append(SuggestCommand.quoted(arguments))
                .append("]}  # ")
                .append(times)
                .append(times == 1 ? " run" : " runs")
                .append(arguments.contains("*") ? "; its * matches any text" : "")
                .append('\n');
          });
    }
    if (!environment.isEmpty()) {
      yaml.append("    env:\n");
      environment.forEach(
          (kind, names) -> {
            yaml.append("      ").append(kind).append(":\n");
            names.forEach(
                (name, times) ->
                    yaml.append("        - ")
                        .append(SuggestCommand.quoted(name))
                        .append("  # read ")
                        .append(times)
                        .append(times == 1 ? " time" : " times")
                        .append('\n'));
          });
    }
    if (!network.isEmpty()) {
      yaml.append("    net:\n");
      network.forEach(
          (operation, destinations) -> {
            yaml.append("      ").append(operation).append(":\n");
            destinations.forEach(
                (destination, times) ->
                    yaml.append("        - ")
                        .append(SuggestCommand.quoted(destination))
                        .append("  # ")
                        .append(times)
                        .append(times == 1 ? " time" : " times")
                        .append('\n'));
          });
    }
  }
}
