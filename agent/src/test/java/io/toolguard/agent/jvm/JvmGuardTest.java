package io.toolguard.agent.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodType;
import org.junit.jupiter.api.Test;

/** What hands out an {@code Unsafe}: decided on the member, class or method type a tool opens. */
class JvmGuardTest {

  /** A library's own Unsafe, and the ordinary members beside it. */
  @SuppressWarnings("unused")
  private static final class Library {
    private static sun.misc.Unsafe unsafe;
    private static int counter;

    private static sun.misc.Unsafe unsafe() {
      return unsafe;
    }

    private static int count() {
      return counter;
    }
  }

  @Test
  void unsafeItselfAndWhatHoldsOneHandItOut() throws Exception {
    Class<?> unsafe = Class.forName("sun.misc.Unsafe");

    assertThat(JvmGuard.handsOutUnsafe(unsafe.getDeclaredField("theUnsafe"))).isTrue();
    assertThat(JvmGuard.handsOutUnsafe(unsafe.getDeclaredConstructor())).isTrue();
    assertThat(JvmGuard.handsOutUnsafe(unsafe)).isTrue();
    assertThat(JvmGuard.handsOutUnsafe(Class.forName("jdk.internal.misc.Unsafe"))).isTrue();
    assertThat(JvmGuard.handsOutUnsafe(Library.class.getDeclaredField("unsafe"))).isTrue();
    assertThat(JvmGuard.handsOutUnsafe(Library.class.getDeclaredMethod("unsafe"))).isTrue();
    assertThat(JvmGuard.handsOutUnsafe(MethodType.methodType(unsafe))).isTrue();
  }

  @Test
  void everythingElseIsOrdinaryReflection() throws Exception {
    Class<?> unsafe = Class.forName("sun.misc.Unsafe");

    assertThat(JvmGuard.handsOutUnsafe(Library.class.getDeclaredField("counter"))).isFalse();
    assertThat(JvmGuard.handsOutUnsafe(Library.class.getDeclaredMethod("count"))).isFalse();
    assertThat(JvmGuard.handsOutUnsafe(Library.class)).isFalse();
    assertThat(JvmGuard.handsOutUnsafe(int.class)).isFalse();
    assertThat(JvmGuard.handsOutUnsafe(MethodType.methodType(void.class, unsafe)))
        .as("a method that takes an Unsafe needs one already")
        .isFalse();
    assertThat(JvmGuard.handsOutUnsafe("a JVM-wide action")).isFalse();
  }
}
