package io.toolguard.it.app.lookup;

import java.lang.invoke.MethodHandles;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A hidden class {@link HiddenScript} defines with its own lookup (born with it): it defines {@link
 * Payload}, not hidden, with its own lookup, and hands it back.
 */
public final class Hidden implements Supplier<Consumer<String>> {

  @Override
  @SuppressWarnings("unchecked")
  public Consumer<String> get() {
    try {
      return (Consumer<String>)
          MethodHandles.lookup().defineClass(Script.payload).getConstructor().newInstance();
    } catch (ReflectiveOperationException failed) {
      throw new IllegalStateException(failed);
    }
  }
}
