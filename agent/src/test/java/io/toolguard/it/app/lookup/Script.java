package io.toolguard.it.app.lookup;

import java.lang.invoke.MethodHandles;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A script a tool has the application's shared engine define (born in the tool): it defines {@link
 * Payload}, a class that is not hidden, with its own lookup, into that engine's loader, and hands
 * it back.
 */
public final class Script implements Supplier<Consumer<String>> {

  /** The class file it defines. */
  public static volatile byte[] payload;

  @Override
  @SuppressWarnings("unchecked")
  public Consumer<String> get() {
    try {
      return (Consumer<String>)
          MethodHandles.lookup().defineClass(payload).getConstructor().newInstance();
    } catch (ReflectiveOperationException failed) {
      throw new IllegalStateException(failed);
    }
  }
}
