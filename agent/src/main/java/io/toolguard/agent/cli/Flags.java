package io.toolguard.agent.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsed {@code --name value} options and the positional arguments around them; {@code --arg} may
 * be given many times, each value kept in {@code repeated}.
 */
record Flags(
    Map<String, String> options, List<String> positional, Map<String, List<String>> repeated) {

  /** The options that may be given more than once. */
  static final List<String> REPEATABLE = List.of("arg");

  /**
   * Splits arguments into options with a value and positional arguments.
   *
   * @throws IllegalArgumentException for an unknown, repeated or value-less option
   */
  static Flags parse(List<String> args, List<String> known) {
    return parse(args, known, List.of());
  }

  /**
   * Splits arguments into options with a value, switches (options without one, present as {@code
   * "true"}) and positional arguments.
   *
   * @throws IllegalArgumentException for an unknown, repeated or value-less option
   */
  static Flags parse(List<String> args, List<String> known, List<String> switches) {
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, List<String>> repeated = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        positional.add(arg);
        continue;
      }
      String name = arg.substring(2);
      if (switches.contains(name)) {
        if (options.put(name, "true") != null) {
          throw new IllegalArgumentException("option " + arg + " is given twice");
        }
        continue;
      }
      if (!known.contains(name)) {
        List<String> all = new ArrayList<>(known);
        all.addAll(switches);
        throw new IllegalArgumentException(
            "unknown option " + arg + "; options are --" + String.join(", --", all));
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("option " + arg + " needs a value");
      }
      if (REPEATABLE.contains(name)) {
        repeated.computeIfAbsent(name, key -> new ArrayList<>()).add(args.get(++i));
        continue;
      }
      if (options.put(name, args.get(++i)) != null) {
        throw new IllegalArgumentException("option " + arg + " is given twice");
      }
    }
    return new Flags(options, positional, repeated);
  }

  /** {@return every value of a repeatable option, in order} */
  List<String> all(String name) {
    return repeated.getOrDefault(name, List.of());
  }

  boolean has(String name) {
    return options.containsKey(name);
  }

  Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }
}
