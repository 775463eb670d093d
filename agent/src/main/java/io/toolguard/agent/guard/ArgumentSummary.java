package io.toolguard.agent.guard;

import io.toolguard.agent.approval.CallArguments;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A safe rendering of a call's arguments: other objects than texts, numbers and the like by type
 * and size only, so that no whole file contents and no side effects of an application's {@code
 * toString()} reach the audit log or an approver. Texts and numbers truncated for the audit log;
 * whole for the person deciding, whose channels shorten and escape them ({@code CallText}). In
 * every view, a text's secrets (private keys, access keys, tokens: {@link Secrets}) are replaced by
 * their kind and hash before anything else is done to it.
 */
final class ArgumentSummary {

  static final ArgumentSummary AUDIT = new ArgumentSummary(80, 400, Secrets.BUILT_IN);

  final int maxValue;
  final int maxTotal;
  private final Secrets secrets;

  private ArgumentSummary(int maxValue, int maxTotal, Secrets secrets) {
    this.maxValue = maxValue;
    this.maxTotal = maxTotal;
    this.secrets = secrets;
  }

  static String of(List<String> names, Object[] arguments) {
    return AUDIT.render(names, arguments);
  }

  /** {@return the audit log's summary, with the built-in kinds of secret and {@code secrets}'} */
  static String of(List<String> names, Object[] arguments, Secrets secrets) {
    return new ArgumentSummary(AUDIT.maxValue, AUDIT.maxTotal, secrets).render(names, arguments);
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
   * {@return the arguments for a person deciding: each value whole (texts, numbers, paths, enums
   * and the like), or for another object its type and size, never its {@code toString()}}; which of
   * them compare exactly is said per argument. Never fails: an argument whose size or text cannot
   * be read is described by its type.
   */
  static CallArguments forApproval(List<String> names, Object[] arguments) {
    return forApproval(names, arguments, Secrets.BUILT_IN);
  }

  /** As {@link #forApproval(List, Object[])}, redacting {@code secrets}' kinds too. */
  static CallArguments forApproval(List<String> names, Object[] arguments, Secrets secrets) {
    List<CallArguments.Argument> list = new ArrayList<>(arguments.length);
    for (int i = 0; i < arguments.length; i++) {
      String name = i < names.size() ? names.get(i) : "arg" + i;
      list.add(approvalArgument(name, arguments[i], secrets));
    }
    return new CallArguments(list);
  }

  private static CallArguments.Argument approvalArgument(
      String name, Object argument, Secrets secrets) {
    if (argument == null) {
      return new CallArguments.Argument(name, CallArguments.Kind.VALUE, null, "null", true);
    }
    String type = argument.getClass().getName();
    try {
      if (argument instanceof CharSequence
          || argument instanceof Path
          || argument instanceof File) {
        return new CallArguments.Argument(
            name,
            CallArguments.Kind.TEXT,
            type,
            secrets.redact(argument.toString()),
            isValue(argument));
      }
      if (isValue(argument)) {
        String text = argument instanceof Enum<?> constant ? constant.name() : argument.toString();
        return new CallArguments.Argument(name, CallArguments.Kind.VALUE, type, text, true);
      }
      return new CallArguments.Argument(
          name, CallArguments.Kind.OBJECT, type, AUDIT.render(argument), false);
    } catch (RuntimeException | LinkageError unreadable) {
      return new CallArguments.Argument(name, CallArguments.Kind.OBJECT, type, type, false);
    }
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

  /**
   * {@return the arguments that are plain values (texts, numbers, booleans, characters, enum
   * constants) of at most {@code maxValue} characters and hold no secret, as a JSON object by
   * parameter name, for {@code suggest} to propose value lists from; null when none is}. A text
   * holding a secret is left out whole, so that no part of a secret, nor its hash, becomes a
   * suggestion.
   */
  static String values(List<String> names, Object[] arguments, Secrets secrets) {
    List<Object> fields = new ArrayList<>();
    for (int i = 0; i < arguments.length; i++) {
      Object argument = arguments[i];
      Object value;
      if (argument instanceof String text) {
        value = text;
      } else if (argument instanceof Enum<?> constant) {
        value = constant.name();
      } else if (argument instanceof Character character) {
        value = character.toString();
      } else if (argument instanceof Integer
          || argument instanceof Long
          || argument instanceof Short
          || argument instanceof Byte
          || argument instanceof java.math.BigInteger
          || argument instanceof java.math.BigDecimal
          || argument instanceof Boolean) {
        value = argument;
      } else if ((argument instanceof Double || argument instanceof Float)
          && Double.isFinite(((Number) argument).doubleValue())) {
        value = argument;
      } else {
        continue;
      }
      if (value instanceof String text
          && (text.length() > AUDIT.maxValue || !secrets.redact(text).equals(text))) {
        continue;
      }
      fields.add(i < names.size() ? names.get(i) : "arg" + i);
      fields.add(value);
    }
    return fields.isEmpty() ? null : io.toolguard.agent.audit.Json.object(fields.toArray());
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
      return '"' + truncate(secrets.redact(argument.toString())) + '"';
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
