package io.toolguard.bootstrap;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's own fork: {@code ProcessImpl.forkAndExec}, the private native method whose call in
 * {@code ProcessImpl}'s constructor is woven to go through {@link Dispatcher#forkAndExec}. A
 * constant handle, so that outside tools the woven call costs what the direct call did.
 *
 * <p>It needs {@code java.lang} open to the bootstrap class path's unnamed module, which the agent
 * arranges before it weaves the call ({@link KernelSandbox#prepare}); the agent loads this class
 * right then, so that a JDK where it cannot be had stops the start instead of a process start.
 */
final class Forks {

  private static final MethodHandle FORK;

  /** How the JDK writes paths and arguments for the system, as it started. */
  static final java.nio.charset.Charset JNU =
      java.nio.charset.Charset.forName(
          System.getProperty("sun.jnu.encoding", java.nio.charset.Charset.defaultCharset().name()));

  /** The JDK's spawn helper, which its fork runs first (the posix_spawn launch mechanism). */
  static final byte[] HELPER = cString(System.getProperty("java.home") + "/lib/jspawnhelper");

  static {
    try {
      Class<?> impl = Class.forName("java.lang.ProcessImpl");
      FORK =
          MethodHandles.privateLookupIn(impl, MethodHandles.lookup())
              .findVirtual(
                  impl,
                  "forkAndExec",
                  MethodType.methodType(
                      int.class,
                      int.class,
                      byte[].class,
                      byte[].class,
                      byte[].class,
                      int.class,
                      byte[].class,
                      int.class,
                      byte[].class,
                      int[].class,
                      boolean.class))
              .asType(
                  MethodType.methodType(
                      int.class,
                      Object.class,
                      int.class,
                      byte[].class,
                      byte[].class,
                      byte[].class,
                      int.class,
                      byte[].class,
                      int.class,
                      byte[].class,
                      int[].class,
                      boolean.class));
    } catch (ReflectiveOperationException | RuntimeException notHere) {
      throw new ExceptionInInitializerError(notHere);
    }
  }

  private Forks() {}

  /** {@return the text as the JDK hands it to the system: in its encoding, with a closing NUL} */
  static byte[] cString(String text) {
    byte[] bytes = text.getBytes(JNU);
    return java.util.Arrays.copyOf(bytes, bytes.length + 1);
  }

  /** Loads this class, or fails saying why. */
  static void load() {
    // the static initialiser has run
  }

  static int fork(
      Object process,
      int mode,
      byte[] helper,
      byte[] program,
      byte[] arguments,
      int argumentCount,
      byte[] environment,
      int variableCount,
      byte[] folder,
      int[] descriptors,
      boolean redirectErrorStream)
      throws IOException {
    try {
      return (int)
          FORK.invokeExact(
              process,
              mode,
              helper,
              program,
              arguments,
              argumentCount,
              environment,
              variableCount,
              folder,
              descriptors,
              redirectErrorStream);
    } catch (IOException | RuntimeException | Error thrown) {
      throw thrown;
    } catch (Throwable impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
