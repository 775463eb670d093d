package io.toolguard.agent.guard;

import io.toolguard.agent.annotation.SuppressForbidden;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Looks for a secret in what a tool returned, for rules that keep such results from the model,
 * without running any code of the application: a {@code toString()}, an accessor or an iterator the
 * application wrote could show a different text than the one the framework then sends, or do
 * anything at all.
 *
 * <p>Read as text: strings, the JDK's own character sequences ({@code StringBuilder}…), {@code
 * char[]} and {@code byte[]} (each byte a character, so ASCII secrets show), the JDK's paths,
 * files, URIs, URLs and UUIDs. Looked into: arrays of objects, the JDK's own lists, sets and maps
 * (keys and values) by their concrete class, {@code Optional}, and objects of the application's
 * classes — records, plain objects, enum constants — by every instance field of the class and its
 * superclasses, read by reflection, never through an accessor. Skipped: numbers, booleans,
 * characters and {@code null}. Anything else (a JDK object of another kind, a collection wrapping
 * one of the application's, a field reflection may not open, more than {@value #MOST_OBJECTS}
 * objects or a nesting deeper than {@value #DEEPEST}) cannot be looked at, and is withheld as well:
 * a result toolguard cannot read is not known to be clean.
 */
final class SecretResults {

  static final int MOST_OBJECTS = 100_000;
  static final int DEEPEST = 64;

  private static final Module JAVA_BASE = Object.class.getModule();

  /** The JDK's collections whose iteration runs only the JDK's code. */
  private static final Set<String> JDK_COLLECTIONS =
      Set.of(
          "java.util.ArrayList",
          "java.util.LinkedList",
          "java.util.ArrayDeque",
          "java.util.HashSet",
          "java.util.LinkedHashSet",
          "java.util.TreeSet",
          "java.util.Arrays$ArrayList",
          "java.util.ImmutableCollections$List12",
          "java.util.ImmutableCollections$ListN",
          "java.util.ImmutableCollections$SubList",
          "java.util.ImmutableCollections$Set12",
          "java.util.ImmutableCollections$SetN",
          "java.util.concurrent.CopyOnWriteArrayList",
          Collections.emptyList().getClass().getName(),
          Collections.emptySet().getClass().getName(),
          Collections.singletonList("").getClass().getName(),
          Collections.singleton("").getClass().getName());

  /** The JDK's maps whose iteration runs only the JDK's code. */
  private static final Set<String> JDK_MAPS =
      Set.of(
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.TreeMap",
          "java.util.concurrent.ConcurrentHashMap",
          "java.util.ImmutableCollections$Map1",
          "java.util.ImmutableCollections$MapN",
          Collections.emptyMap().getClass().getName(),
          Collections.singletonMap("", "").getClass().getName());

  /** The JDK's values whose {@code toString()} is the JDK's own and shows what they hold. */
  private static final Set<Class<?>> JDK_TEXTS =
      Set.of(
          java.io.File.class,
          java.net.URI.class,
          java.net.URL.class,
          java.util.UUID.class,
          StringBuilder.class,
          StringBuffer.class);

  /** An application class's instance fields, each opened for reading, or null if one cannot be. */
  private static final ClassValue<Optional<List<Field>>> FIELDS =
      new ClassValue<>() {
        @Override
        protected Optional<List<Field>> computeValue(Class<?> type) {
          return fieldsOf(type);
        }
      };

  private SecretResults() {}

  /**
   * {@return why the result may not reach the model: the kind of secret it holds, or that it cannot
   * be looked at; empty when it is clean}
   */
  static Optional<String> whyWithheld(Object result, Secrets secrets) {
    Deque<Object> todo = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    Map<Object, Boolean> seen = new IdentityHashMap<>();
    if (result == null) {
      return Optional.empty();
    }
    todo.push(result);
    depths.push(0);
    int objects = 0;
    while (!todo.isEmpty()) {
      Object value = todo.pop();
      int depth = depths.pop();
      if (value == null || seen.put(value, Boolean.TRUE) != null) {
        continue;
      }
      if (++objects > MOST_OBJECTS || depth > DEEPEST) {
        return Optional.of(
            "it cannot be looked at whole (more than "
                + MOST_OBJECTS
                + " objects, or nested more than "
                + DEEPEST
                + " deep)");
      }
      Optional<String> text;
      List<Object> inside = new ArrayList<>();
      try {
        text = read(value, inside);
      } catch (RuntimeException | IllegalAccessException unreadable) {
        text = Optional.of("");
        inside = null;
      }
      if (inside == null) {
        return Optional.of(
            "it cannot be looked at without running the application's code (it holds an object of"
                + " class "
                + value.getClass().getName()
                + ")");
      }
      Optional<String> kind = text.flatMap(secrets::kindIn);
      if (kind.isPresent()) {
        return Optional.of("it holds a secret (" + kind.get() + ")");
      }
      for (Object member : inside) {
        if (member != null) {
          todo.push(member);
          depths.push(depth + 1);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Reads one value: {@return its text, if it is one}, adding what it holds to {@code inside}.
   *
   * @throws IllegalStateException if it cannot be read without running the application's code
   */
  private static Optional<String> read(Object value, List<Object> inside)
      throws IllegalAccessException {
    Class<?> type = value.getClass();
    if (value instanceof String text) {
      return Optional.of(text);
    }
    if (type.isArray() || type.getModule() == JAVA_BASE) {
      // An array of an application class's objects is in that class's module.
      return readJdk(value, type, inside);
    }
    Optional<List<Field>> fields = FIELDS.get(type);
    if (fields.isEmpty()) {
      throw new IllegalStateException("unreadable fields");
    }
    for (Field field : fields.get()) {
      inside.add(field.get(value));
    }
    return Optional.empty();
  }

  private static Optional<String> readJdk(Object value, Class<?> type, List<Object> inside) {
    if (value instanceof Number
        || value instanceof Boolean
        || value instanceof Character
        || value instanceof Enum<?>) {
      // The JDK's own numbers and constants hold no text.
      return Optional.empty();
    }
    if (value instanceof char[] chars) {
      return Optional.of(new String(chars));
    }
    if (value instanceof byte[] bytes) {
      return Optional.of(new String(bytes, StandardCharsets.ISO_8859_1));
    }
    if (type.isArray()) {
      if (!type.getComponentType().isPrimitive()) {
        Collections.addAll(inside, (Object[]) value);
      }
      return Optional.empty();
    }
    if (JDK_TEXTS.contains(type) || value instanceof java.nio.file.Path) {
      return Optional.of(value.toString());
    }
    if (value instanceof Optional<?> optional) {
      optional.ifPresent(inside::add);
      return Optional.empty();
    }
    if (JDK_COLLECTIONS.contains(type.getName())) {
      inside.addAll((Collection<?>) value);
      return Optional.empty();
    }
    if (JDK_MAPS.contains(type.getName())) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        inside.add(entry.getKey());
        inside.add(entry.getValue());
      }
      return Optional.empty();
    }
    throw new IllegalStateException("a JDK object of another kind");
  }

  /**
   * {@return every instance field of an application class and its superclasses up to {@code
   * Object}, {@code Record}, {@code Enum} or {@code Number}, each opened; empty if one cannot be
   * opened or a superclass is another JDK class}
   */
  @SuppressForbidden(reason = "reads the fields of a tool's result without running its code")
  private static Optional<List<Field>> fieldsOf(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> level = type;
        level != Object.class
            && level != Record.class
            && level != Enum.class
            && level != Number.class;
        level = level.getSuperclass()) {
      if (level.getModule() == JAVA_BASE) {
        return Optional.empty();
      }
      for (Field field : level.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        if (!field.trySetAccessible()) {
          return Optional.empty();
        }
        fields.add(field);
      }
    }
    return Optional.of(List.copyOf(fields));
  }
}
