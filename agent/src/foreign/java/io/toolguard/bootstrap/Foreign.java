package io.toolguard.bootstrap;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The JDK's foreign function API (JDK 22 and later), called directly for {@link Landlock}, which is
 * compiled for Java 17 and cannot name its types: each method takes and gives the API's objects as
 * {@code Object}. Only Landlock uses it, and only on JDK 22 and later; on JDK 17 to 21 it is
 * defined with the rest of the bootstrap package but never run.
 *
 * <p>Why not reflection. Reached through {@code Method.invoke} and method handles adapted to {@code
 * Object} (as it was), the kernel probe made the JDK spin a reflective accessor per method and a
 * lambda form per adaptation: on JDK 25 about 100 ms of CPU and 4 MB of heap at every start
 * (benchmarks/STARTUP.md). Called directly, only the API's own work is left.
 *
 * <p>How it is compiled. The build compiles this one file with {@code -source 17 -target 17}
 * against the signatures of the API's types in {@code src/foreign-api}, patched into {@code
 * java.base} for the compiler alone (agent/pom.xml, {@code compile-foreign}), so that the build
 * still runs on JDK 17. A signature there that differed from the JDK's would fail with a {@link
 * LinkageError} at its first call: the kernel probe makes every call once (Landlock's {@code
 * everyCallOnce}), and a failure there refuses every tool call; {@code ForeignTest} resolves every
 * reference to the API in this class on JDK 22 and later.
 */
final class Foreign {

  private Foreign() {}

  /**
   * {@return the JDK's native linker}
   *
   * @throws UnsupportedOperationException if the JDK has none for this platform
   */
  static Object nativeLinker() {
    return Linker.nativeLinker();
  }

  /**
   * {@return a handle to libc's {@code syscall}, variadic after the system call's number, with six
   * {@code long} arguments in all and {@code errno} captured}: its type is {@code (MemorySegment
   * state, long number, long a, long b, long c, long d, long e) long}, for {@link #call}
   *
   * @throws IllegalStateException if the JDK's lookup of libc finds no {@code syscall}
   */
  static MethodHandle syscall(Object nativeLinker) {
    Linker linker = (Linker) nativeLinker;
    Optional<MemorySegment> symbol = linker.defaultLookup().find("syscall");
    if (symbol.isEmpty()) {
      // Every Linux libc has it: the JDK's lookup of libc failed (it keeps an empty one after any
      // error, out of descriptors say), which is no answer.
      throw new IllegalStateException("the JDK found no syscall() in libc");
    }
    MemoryLayout[] arguments = new MemoryLayout[6];
    for (int i = 0; i < arguments.length; i++) {
      arguments[i] = ValueLayout.JAVA_LONG;
    }
    return linker.downcallHandle(
        symbol.get(),
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, arguments),
        Linker.Option.firstVariadicArg(1),
        Linker.Option.captureCallState("errno"));
  }

  /** {@return how many bytes the state {@link #syscall} captures takes} */
  static long stateSize() {
    MemoryLayout state = Linker.Option.captureStateLayout();
    return state.byteSize();
  }

  /** {@return what {@code syscall} answers} (-1 with the errno in {@code state}) */
  static long call(
      MethodHandle syscall, Object state, long number, long a, long b, long c, long d, long e)
      throws Throwable {
    return (long) syscall.invokeExact((MemorySegment) state, number, a, b, c, d, e);
  }

  /** {@return a new arena of this thread's, freed by {@link #close}} */
  static Object ofConfined() {
    return Arena.ofConfined();
  }

  /** {@return a new arena freed when no longer reachable} */
  static Object ofAuto() {
    return Arena.ofAuto();
  }

  /** {@return {@code size} bytes of native memory from {@code arena}, zeroed, 8-aligned} */
  static Object allocate(Object arena, long size) {
    return ((Arena) arena).allocate(size, 8);
  }

  /** {@return {@code text} as a C string (UTF-8) in native memory from {@code arena}} */
  static Object allocateFrom(Object arena, String text) {
    return ((Arena) arena).allocateFrom(text);
  }

  /** Frees an arena's memory. */
  static void close(Object arena) {
    ((Arena) arena).close();
  }

  static long address(Object segment) {
    return ((MemorySegment) segment).address();
  }

  static void putLong(Object segment, long offset, long value) {
    ((MemorySegment) segment).set(ValueLayout.JAVA_LONG, offset, value);
  }

  static void putInt(Object segment, long offset, int value) {
    ((MemorySegment) segment).set(ValueLayout.JAVA_INT, offset, value);
  }

  static long getLong(Object segment, long offset) {
    return ((MemorySegment) segment).get(ValueLayout.JAVA_LONG, offset);
  }

  static int getInt(Object segment, long offset) {
    return ((MemorySegment) segment).get(ValueLayout.JAVA_INT, offset);
  }

  /** {@return a copy of {@code length} bytes of {@code segment} from {@code offset}} */
  static byte[] bytes(Object segment, long offset, long length) {
    return ((MemorySegment) segment).asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
  }

  /** Copies all of {@code bytes} into {@code segment} at {@code offset}. */
  static void copyIn(byte[] bytes, Object segment, long offset) {
    MemorySegment.copy(
        bytes, 0, (MemorySegment) segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
  }
}
