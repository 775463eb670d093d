package io.toolguard.agent.guard;

import java.io.File;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safe rendering of a call's arguments: texts and numbers truncated, other objects by type and
 * size only, so that no whole file contents and no side effects of an application's {@code
 * toString()} reach the audit log or an approver. Short for the audit log, longer for the person
 * deciding; and exact, for remembering an approval of these very arguments.
 */
final class ArgumentSummary {

  static final ArgumentSummary AUDIT = new ArgumentSummary(80, 400);
  static final ArgumentSummary APPROVAL = new ArgumentSummary(1000, 4000);

  final int maxValue;
  final int maxTotal;

  private ArgumentSummary(int maxValue, int maxTotal) {
    this.maxValue = maxValue;
    this.maxTotal = maxTotal;
  }

  static String of(List<String> names, Object[] arguments) {
    return AUDIT.render(names, arguments);
  }

  String render(List<String> names, Object[] arguments) {
    StringBuilder summary = new StringBuilder();
    for (int i = 0; i < arguments.length; i++) {
      if (i > 0) {
        summary.append(", ");
      }
      summary
          .append(i < names.size() ? names.get(i) : "arg" + i)
          .append('=')
          .append(value(arguments[i]));
      if (summary.length() > maxTotal) {
        return summary.substring(0, maxTotal) + "…";
      }
    }
    return summary.toString();
  }

  /**
   * {@return the arguments in full with their types, if all are texts, numbers, paths, enums or the
   * like; empty if any is another object, whose equality cannot be told from its text}
   */
  static Optional<String> exact(Object[] arguments) {
    StringBuilder key = new StringBuilder();
    for (Object argument : arguments) {
      if (argument != null && !isValue(argument)) {
        return Optional.empty();
      }
      String text =
          argument instanceof Enum<?> constant ? constant.name() : String.valueOf(argument);
      key.append(argument == null ? "null" : argument.getClass().getName())
          .append(':')
          .append(text.length())
          .append(':')
          .append(text)
          .append('\0');
    }
    return Optional.of(key.toString());
  }

  /** Immutable, and equal exactly when their texts (and types) are. */
  private static boolean isValue(Object argument) {
    return argument instanceof String
        || argument instanceof Path
        || argument instanceof File
        || argument instanceof Integer
        || argument instanceof Long
        || argument instanceof Short
        || argument instanceof Byte
        || argument instanceof Double
        || argument instanceof Float
        || argument instanceof java.math.BigInteger
        || argument instanceof java.math.BigDecimal
        || argument instanceof Boolean
        || argument instanceof Character
        || argument instanceof Enum<?>;
  }

  /** Never fails: an argument whose size or text cannot be read is shown by its type. */
  private String value(Object argument) {
    try {
      return render(argument);
    } catch (RuntimeException | LinkageError unreadable) {
      return argument.getClass().getName();
    }
  }

  private String render(Object argument) {
    if (argument == null) {
      return "null";
    }
    if (argument instanceof CharSequence || argument instanceof Path || argument instanceof File) {
      return '"' + truncate(argument.toString()) + '"';
    }
    if (argument instanceof Number
        || argument instanceof Boolean
        || argument instanceof Character
        || argument instanceof Enum<?>) {
      return truncate(argument.toString());
    }
    if (argument.getClass().isArray()) {
      return argument.getClass().getComponentType().getSimpleName()
          + "["
          + java.lang.reflect.Array.getLength(argument)
          + "]";
    }
    if (argument instanceof Collection<?> collection) {
      return argument.getClass().getSimpleName() + "(size " + collection.size() + ")";
    }
    if (argument instanceof Map<?, ?> map) {
      return argument.getClass().getSimpleName() + "(size " + map.size() + ")";
    }
    return argument.getClass().getName();
  }

  private String truncate(String text) {
    return text.length() <= maxValue
        ? text
        : text.substring(0, maxValue) + "…(" + text.length() + " chars)";
  }
}
