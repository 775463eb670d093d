package io.toolguard.agent.policy;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A call's arguments as conditions read them: by parameter name, and inside records, maps and lists
 * by a dotted path ({@code order.amount}, {@code items.0.sku}).
 *
 * <p>Only values whose text cannot change and whose reading runs no code of the application are
 * read: strings, boxed numbers, booleans, characters, enum constants, the JDK's paths and files;
 * inside, a record's component is read from its field (never by its accessor, which the application
 * may have written), a map's entry only from the JDK's own maps, a list's item only from the JDK's
 * own lists. Anything else is {@link #UNREADABLE}.
 *
 * @param names the parameters' names, in order ({@code arg0}… when the class file keeps none)
 * @param values the arguments, as the tool receives them
 * @param realPath where a path really leads, links resolved; the command line passes {@code
 *     Path::normalize} (paths taken as written)
 */
public record ToolArguments(List<String> names, Object[] values, UnaryOperator<Path> realPath) {

  /** No arguments known: every condition is {@link Holds#UNKNOWN}. */
  public static final ToolArguments NONE =
      new ToolArguments(List.of(), new Object[0], Path::normalize);

  /** What a path that leads nowhere readable yields. */
  static final Object UNREADABLE = new Object();

  /** What a path to a parameter the tool does not have yields. */
  static final Object MISSING = new Object();

  private static final Set<String> JDK_MAPS =
      Set.of(
          HashMap.class.getName(),
          LinkedHashMap.class.getName(),
          "java.util.ImmutableCollections$Map1",
          "java.util.ImmutableCollections$MapN",
          Collections.unmodifiableMap(new HashMap<>()).getClass().getName());

  private static final Set<String> JDK_LISTS =
      Set.of(
          ArrayList.class.getName(),
          "java.util.ImmutableCollections$List12",
          "java.util.ImmutableCollections$ListN",
          "java.util.Arrays$ArrayList",
          Collections.unmodifiableList(new ArrayList<>()).getClass().getName());

  private static final ClassValue<Map<String, Field>> COMPONENTS =
      new ClassValue<>() {
        @Override
        protected Map<String, Field> computeValue(Class<?> type) {
          Map<String, Field> fields = new HashMap<>();
          if (type.isRecord()) {
            for (var component : type.getRecordComponents()) {
              try {
                Field field = type.getDeclaredField(component.getName());
                if (field.trySetAccessible()) {
                  fields.put(component.getName(), field);
                }
              } catch (NoSuchFieldException | SecurityException unreadable) {
                // not readable: the path yields UNREADABLE
              }
            }
          }
          return Map.copyOf(fields);
        }
      };

  /**
   * {@return the value at a parameter and path below it; {@link #MISSING} when the tool has no such
   * parameter, {@link #UNREADABLE} when the path leads into something not read}
   *
   * @param parameter the parameter's name
   * @param path the segments below it, none for the argument itself
   */
  Object value(String parameter, List<String> path) {
    int index = names.indexOf(parameter);
    if (index < 0 || index >= values.length) {
      return MISSING;
    }
    Object value = values[index];
    for (int i = 0; i < path.size(); i++) {
      value = member(value, path.get(i));
      if (value == UNREADABLE) {
        return UNREADABLE;
      }
    }
    return value;
  }

  private static Object member(Object container, String name) {
    if (container == null) {
      return UNREADABLE;
    }
    Class<?> type = container.getClass();
    try {
      if (type.isRecord()) {
        Field field = COMPONENTS.get(type).get(name);
        return field == null ? UNREADABLE : field.get(container);
      }
      if (JDK_MAPS.contains(type.getName()) && type.getModule() == Object.class.getModule()) {
        Map<?, ?> map = (Map<?, ?>) container;
        return map.containsKey(name) ? map.get(name) : UNREADABLE;
      }
      if (JDK_LISTS.contains(type.getName()) && type.getModule() == Object.class.getModule()) {
        List<?> list = (List<?>) container;
        int index = Integer.parseInt(name);
        return index >= 0 && index < list.size() ? list.get(index) : UNREADABLE;
      }
    } catch (IllegalAccessException | RuntimeException unreadable) {
      return UNREADABLE;
    }
    return UNREADABLE;
  }

  /**
   * {@return the text of a value conditions can judge as text, or null}: strings, numbers,
   * booleans, characters, enum constants (by name), the JDK's paths and files
   */
  static String text(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Enum<?> constant) {
      return constant.name();
    }
    if (value == null) {
      return null;
    }
    Class<?> type = value.getClass();
    if (type == Integer.class
        || type == Long.class
        || type == Short.class
        || type == Byte.class
        || type == Double.class
        || type == Float.class
        || type == Boolean.class
        || type == Character.class
        || type == java.math.BigInteger.class
        || type == java.math.BigDecimal.class) {
      return value.toString();
    }
    if (type == java.io.File.class) {
      return ((java.io.File) value).getPath();
    }
    if (value instanceof Path && type.getModule() == Object.class.getModule()) {
      return value.toString();
    }
    return null;
  }
}
