package io.toolguard.agent.policy;

import java.nio.file.Path;
import java.util.List;

/**
 * A condition of a rule on one argument: the parameter (and a dotted path inside its value), and
 * the tests its value must pass, all of them.
 *
 * @param parameter the parameter's name, as the tool's class file or framework annotation gives it
 * @param path the segments below the argument ({@code amount} of {@code order.amount}), often none
 * @param tests what the value must pass, all of them
 * @param location where the condition is written
 */
public record ArgumentCondition(
    String parameter, List<String> path, List<ArgumentTest> tests, Location location) {

  public ArgumentCondition {
    path = List.copyOf(path);
    tests = List.copyOf(tests);
  }

  /** {@return whether the value passes every test; see {@link Holds}} */
  public Holds holds(ToolArguments arguments, Path sandbox) {
    Object value = arguments.value(parameter, path);
    if (value == ToolArguments.MISSING || value == ToolArguments.UNREADABLE) {
      return Holds.UNKNOWN;
    }
    Holds all = Holds.YES;
    for (ArgumentTest test : tests) {
      Holds one = test.test(value, sandbox, arguments);
      if (one == Holds.NO) {
        return Holds.NO;
      }
      if (one == Holds.UNKNOWN) {
        all = Holds.UNKNOWN;
      }
    }
    return all;
  }

  /** {@return the argument as the policy names it: {@code to}, {@code order.amount}} */
  public String subject() {
    return path.isEmpty() ? parameter : parameter + "." + String.join(".", path);
  }

  /**
   * {@return why the condition does not hold (or cannot be told) for these arguments, naming the
   * argument and the test but never the value, which may be a secret}
   */
  public String why(ToolArguments arguments, Path sandbox) {
    Object value = arguments.value(parameter, path);
    if (value == ToolArguments.MISSING) {
      return "the tool has no parameter '"
          + parameter
          + "'"
          + (arguments.names().isEmpty()
              ? " (no arguments given)"
              : " (its parameters: " + String.join(", ", arguments.names()) + ")");
    }
    if (value == ToolArguments.UNREADABLE) {
      return "'"
          + subject()
          + "' cannot be read (only records, and the JDK's maps and lists, are looked into)";
    }
    for (ArgumentTest test : tests) {
      Holds one = test.test(value, sandbox, arguments);
      if (one == Holds.NO) {
        return "'" + subject() + "' does not satisfy: " + test.describe();
      }
      if (one == Holds.UNKNOWN) {
        return "'"
            + subject()
            + "' is "
            + (value == null ? "null" : "a " + value.getClass().getSimpleName())
            + ", which cannot be judged by: "
            + test.describe();
      }
    }
    return "'" + subject() + "' satisfies " + describe();
  }

  /** {@return the condition as the policy writes it, for explanations} */
  public String describe() {
    StringBuilder text = new StringBuilder(subject()).append(' ');
    for (int i = 0; i < tests.size(); i++) {
      text.append(i == 0 ? "" : " and ").append(tests.get(i).describe());
    }
    return text.toString();
  }
}
