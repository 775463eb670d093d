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

  /**
   * Lets {@code runners} stand in for the JDK classes that alone may enter and leave a handed-over
   * task's context (a woven fixture shaped as {@code ForkJoinTask} or the timer's thread, say).
   */
  public static void runners(Class<?>... runners) {
    HandOffs.runnersForTests(java.util.Set.of(runners));
  }

  /** Lets objects of {@code classes} be checked as the JDK's own (a woven fixture, say). */
  public static void jdkClasses(Class<?>... classes) {
    Dispatcher.jdkClassesForTests(java.util.Set.of(classes));
  }

  /** Runs what follows on this thread as inside a tool of {@code context}, until {@link #reset}. */
  public static void enterTool(Object context) {
    ToolFrames.enter(context, null);
  }

  /** Removes the hooks and the test runners, and whatever frames a test left on this thread. */
  public static void reset() {
    Dispatcher.installForTests(null);
    HandOffs.runnersForTests(java.util.Set.of());
    Dispatcher.jdkClassesForTests(java.util.Set.of());
    ToolFrames.CURRENT.remove();
  }
}
