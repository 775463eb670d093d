package io.toolguard.it.app;

/**
 * {@code InternalsApp}: prints {@code unsafe: reached} if the application's code can take the JDK's
 * internal {@code jdk.internal.misc.Unsafe} (which defines classes into any loader, the bootstrap
 * loader included, and writes any memory), else {@code unsafe: refused: EXCEPTION}.
 */
public final class InternalsApp {

  private InternalsApp() {}

  public static void main(String[] args) {
    try {
      Object unsafe = Class.forName("jdk.internal.misc.Unsafe").getMethod("getUnsafe").invoke(null);
      System.out.println("unsafe: " + (unsafe == null ? "refused: null" : "reached"));
    } catch (ReflectiveOperationException | RuntimeException refused) {
      System.out.println("unsafe: refused: " + refused.getClass().getName());
    }
  }
}
