package io.toolguard.agent.policy;

import java.util.Locale;
import java.util.Optional;

/** An enum constant as policies, options and explanations spell it: its name in lower case. */
public interface Keyword {

  /** {@return the constant's name, as enums have it} */
  String name();

  /** {@return the name as policies write it} */
  default String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@return the constant of {@code type} that policies spell {@code word}, if there is one} */
  static <E extends Enum<E> & Keyword> Optional<E> parse(Class<E> type, String word) {
    for (E constant : type.getEnumConstants()) {
      if (constant.label().equals(word)) {
        return Optional.of(constant);
      }
    }
    return Optional.empty();
  }
}
