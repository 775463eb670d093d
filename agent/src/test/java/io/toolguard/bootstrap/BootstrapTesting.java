package io.toolguard.bootstrap;

/**
 * The bridge's package-private test seam, for unit tests in other packages. It exists only among
 * the test classes, and works only on a copy of the bridge the test's class loader defined.
 */
public final class BootstrapTesting {

  private BootstrapTesting() {}

  /** Sends every hook to {@code hooks}, in this JVM's class-path copy of the bridge. */
  public static void install(Dispatcher.Hooks hooks) {
    Dispatcher.installForTests(hooks);
  }

  /** Removes the hooks, and whatever frames a test left on this thread. */
  public static void reset() {
    Dispatcher.installForTests(null);
    ToolFrames.CURRENT.remove();
  }
}
