package io.toolguard.agent.weave;

/** Tells the JDK's own classes from everyone else's, for the checks that ask who is calling. */
public final class JdkClasses {

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  private JdkClasses() {}

  /**
   * {@return whether the class belongs to the JDK}: defined by the bootstrap or platform loader in
   * a named module, which application code cannot do (toolguard's own bootstrap class is unnamed).
   */
  public static boolean contains(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return (loader == null || loader == PLATFORM) && type.getModule().isNamed();
  }
}
