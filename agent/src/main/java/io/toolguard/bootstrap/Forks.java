package io.toolguard.bootstrap;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's own fork: {@code ProcessImpl.forkAndExec}, the private native method whose call in
 * {@code ProcessImpl}'s constructor is woven to go through {@link Dispatcher#forkAndExec}.
 *
 * <p>The handle to it is made at the first fork, not at start-up (where its method handles cost
 * about 10 ms of the weaving thread): the weaving of {@code ProcessImpl} fails unless its
 * constructor calls exactly that method, and {@code java.lang} is opened to the bootstrap class
 * path's unnamed module before the JDK is woven ({@code ExecSandboxes.prepare}), so making it can
 * fail only for want of stack or memory; then that fork fails, and the next one tries again. It is
 * made outside every check: outside tools, or inside one where toolguard's own work is not checked
 * ({@link Dispatcher#forkAndExec}), and before a confined start restricts its thread ({@link
 * ForkRequest#forkConfined}), which may then no longer read the JDK's classes.
 */
final class Forks {

  /** The handle, once made. */
  private static volatile MethodHandle fork;

  /** How the JDK writes paths and arguments for the system, as it started. */
  static final java.nio.charset.Charset JNU =
      java.nio.charset.Charset.forName(
          System.getProperty("sun.jnu.encoding", java.nio.charset.Charset.defaultCharset().name()));

  /** The JDK's spawn helper, which its fork runs first (the posix_spawn launch mechanism). */
  static final byte[] HELPER = cString(System.getProperty("java.home") + "/lib/jspawnhelper");

  private Forks() {}

  /** {@return the text as the JDK hands it to the system: in its encoding, with a closing NUL} */
  static byte[] cString(String text) {
    byte[] bytes = text.getBytes(JNU);
    return java.util.Arrays.copyOf(bytes, bytes.length + 1);
  }

  /**
   * {@return the handle to the JDK's fork}, made at the first call
   *
   * @throws IllegalStateException if it could not be made (tried again at the next call)
   */
  static MethodHandle ready() {
    MethodHandle made = fork;
    if (made != null) {
      return made;
    }
    synchronized (Forks.class) {
      if (fork == null) {
        fork = make();
      }
      return fork;
    }
  }

  private static MethodHandle make() {
    try {
      Class<?> impl = Class.forName("java.lang.ProcessImpl");
      MethodType exact =
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
              boolean.class);
      // Called with the ProcessImpl as an Object, the bootstrap classes' view of it.
      return MethodHandles.privateLookupIn(impl, MethodHandles.lookup())
          .findVirtual(impl, "forkAndExec", exact)
          .asType(exact.insertParameterTypes(0, Object.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError notHere) {
      throw new IllegalStateException(
          "toolguard cannot reach this JDK's process fork (" + notHere + ")", notHere);
    }
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
    MethodHandle handle;
    try {
      handle = ready();
    } catch (IllegalStateException unreachable) {
      throw new IOException(unreachable.getMessage(), unreachable);
    }
    try {
      return (int)
          handle.invokeExact(
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
