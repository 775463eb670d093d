package io.toolguard.it.app;

import java.lang.reflect.Field;

/**
 * The application's private flag that code in a tool, given {@code sun.misc.Unsafe}, flips; and a
 * library of the application that takes its own Unsafe at start-up, outside tools, as libraries
 * such as Netty do.
 */
final class Vault {

  private static boolean open;

  private Vault() {}

  static boolean isOpen() {
    return open;
  }

  static void close() {
    open = false;
  }

  /** The library: its Unsafe, obtained once outside tools, stays usable inside them. */
  static final class Library {

    private static sun.misc.Unsafe unsafe;

    private Library() {}

    static void init() throws ReflectiveOperationException {
      Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
    }

    /** The library's own getter, which code in a tool could look up privately. */
    @SuppressWarnings("UnusedMethod")
    private static sun.misc.Unsafe unsafe() {
      return unsafe;
    }

    /** Opens the vault with the library's own Unsafe. */
    static void open() throws ReflectiveOperationException {
      Field field = Vault.class.getDeclaredField("open");
      unsafe.putBoolean(unsafe.staticFieldBase(field), unsafe.staticFieldOffset(field), true);
    }
  }
}
