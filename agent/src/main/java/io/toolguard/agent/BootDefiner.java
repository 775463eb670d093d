package io.toolguard.agent;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.function.BiFunction;

/**
 * Defines a class into the bootstrap class loader, by {@code jdk.internal.misc.Unsafe}. Never
 * loaded by the agent's own class loader: {@link BootstrapJar} defines it into a private loader of
 * its own, whose unnamed module is the only module {@code java.base} exports {@code
 * jdk.internal.misc} to. Exporting that package to the agent's module would export it to the
 * application's too (both are the unnamed module of the system class loader), and with it every
 * tool would hold {@code Unsafe}; a loader no one else can reach, dropped once the bootstrap
 * classes are defined, gives that power to this class alone. Uses JDK types only: its loader sees
 * nothing else.
 */
public final class BootDefiner implements BiFunction<String, byte[], Class<?>> {

  private final Object unsafe;
  private final Method defineClass;

  /**
   * @throws ReflectiveOperationException if this JDK's {@code Unsafe} has no {@code defineClass}
   */
  public BootDefiner() throws ReflectiveOperationException {
    Class<?> type = Class.forName("jdk.internal.misc.Unsafe");
    unsafe = type.getMethod("getUnsafe").invoke(null);
    defineClass =
        type.getMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ClassLoader.class,
            ProtectionDomain.class);
  }

  /** Defines {@code classFile}, the class {@code binaryName}, into the bootstrap class loader. */
  @Override
  public Class<?> apply(String binaryName, byte[] classFile) {
    try {
      return (Class<?>)
          defineClass.invoke(unsafe, binaryName, classFile, 0, classFile.length, null, null);
    } catch (IllegalAccessException inaccessible) {
      throw new IllegalStateException(inaccessible);
    } catch (InvocationTargetException failed) {
      Throwable cause = failed.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }
}
