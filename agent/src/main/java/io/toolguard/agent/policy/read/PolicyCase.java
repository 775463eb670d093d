package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One test case for a policy: a call to a tool (and optionally something the tool does: a file
 * access, a command, a connection or a listening socket), the outcome the policy must give, and
 * optionally the line of the rule that must decide.
 *
 * @param risk what the tool's annotation says about its risk (unstated when the case gives none)
 * @param operation read, write, delete, exec, connect or listen
 * @param target what the operation acts on, as {@link #TARGETS} names it
 * @param location where the case is written, for failure messages
 * @param arguments the call's arguments by parameter name, for rules with conditions (texts,
 *     numbers, booleans, and maps and lists of them)
 */
public record PolicyCase(
    String name,
    String tool,
    DeclaredRisk risk,
    Optional<String> operation,
    String target,
    Outcome expected,
    OptionalInt ruleLine,
    Location location,
    Map<String, Object> arguments) {

  public PolicyCase {
    arguments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
  }

  /** {@return the arguments as conditions read them, paths taken as written} */
  public io.toolguard.agent.policy.ToolArguments toolArguments() {
    return new io.toolguard.agent.policy.ToolArguments(
        List.copyOf(arguments.keySet()),
        arguments.values().toArray(),
        java.nio.file.Path::normalize);
  }

  /** Each operation a case or {@code explain} can decide, with the key that gives its target. */
  public static final Map<String, String> TARGETS =
      linked(
          "read",
          "path",
          "write",
          "path",
          "delete",
          "path",
          "exec",
          "command",
          "connect",
          "host",
          "listen",
          "host",
          "env",
          "var",
          "property",
          "var");

  private static Map<String, String> linked(String... keysAndValues) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
