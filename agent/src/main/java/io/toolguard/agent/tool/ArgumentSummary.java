package io.toolguard.agent.tool;

import java.io.File;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A short, safe rendering of a call's arguments for the audit log: texts and numbers truncated,
 * other objects by type and size only, so that no whole file contents and no side effects of an
 * application's {@code toString()} reach the log.
 */
final class ArgumentSummary {

  static final int MAX_VALUE = 80;
  static final int MAX_TOTAL = 400;

  private ArgumentSummary() {}

  static String of(List<String> names, Object[] arguments) {
    StringBuilder summary = new StringBuilder();
    for (int i = 0; i < arguments.length; i++) {
      if (i > 0) {
        summary.append(", ");
      }
      summary.append(i < names.size() ? names.get(i) : "arg" + i).append('=').append(value(arguments[i]));
      if (summary.length() > MAX_TOTAL) {
        return summary.substring(0, MAX_TOTAL) + "…";
      }
    }
    return summary.toString();
  }

  /** Never fails: an argument whose size or text cannot be read is shown by its type. */
  private static String value(Object argument) {
    try {
      return render(argument);
    } catch (RuntimeException | LinkageError unreadable) {
      return argument.getClass().getName();
    }
  }

  private static String render(Object argument) {
    if (argument == null) {
      return "null";
    }
    if (argument instanceof CharSequence || argument instanceof Path || argument instanceof File) {
      return '"' + truncate(argument.toString()) + '"';
    }
    if (argument instanceof Number || argument instanceof Boolean || argument instanceof Character
        || argument instanceof Enum<?>) {
      return truncate(argument.toString());
    }
    if (argument.getClass().isArray()) {
      return argument.getClass().getComponentType().getSimpleName() + "[" + java.lang.reflect.Array.getLength(argument) + "]";
    }
    if (argument instanceof Collection<?> collection) {
      return argument.getClass().getSimpleName() + "(size " + collection.size() + ")";
    }
    if (argument instanceof Map<?, ?> map) {
      return argument.getClass().getSimpleName() + "(size " + map.size() + ")";
    }
    return argument.getClass().getName();
  }

  private static String truncate(String text) {
    return text.length() <= MAX_VALUE
        ? text
        : text.substring(0, MAX_VALUE) + "…(" + text.length() + " chars)";
  }
}
