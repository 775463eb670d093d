package io.toolguard.agent.policy;

import java.util.Locale;
import java.util.Optional;

/** Enum constants as policies spell them: the constant's name in lower case. */
final class Keywords {

  private Keywords() {}

  static <E extends Enum<E>> Optional<E> parse(Class<E> type, String word) {
    for (E constant : type.getEnumConstants()) {
      if (of(constant).equals(word)) {
        return Optional.of(constant);
      }
    }
    return Optional.empty();
  }

  static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }
}
