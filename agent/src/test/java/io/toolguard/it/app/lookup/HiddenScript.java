package io.toolguard.it.app.lookup;

import java.lang.invoke.MethodHandles;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A script a tool has the application's shared engine define (born in the tool): it defines {@link
 * Hidden} as a hidden class with its own lookup, and hands back what that defines.
 */
public final class HiddenScript implements Supplier<Consumer<String>> {

  /** The class file of {@link Hidden}. */
  public static volatile byte[] hidden;

  @Override
  @SuppressWarnings("unchecked")
  public Consumer<String> get() {
    try {
      Class<?> type = MethodHandles.lookup().defineHiddenClass(hidden, true).lookupClass();
      return ((Supplier<Consumer<String>>) type.getConstructor().newInstance()).get();
    } catch (ReflectiveOperationException failed) {
      throw new IllegalStateException(failed);
    }
  }
}
