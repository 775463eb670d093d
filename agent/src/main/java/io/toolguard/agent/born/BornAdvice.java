package io.toolguard.agent.born;

import io.toolguard.bootstrap.Born;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;

/**
 * What a born class's methods run first and last, inlined into each of them: enter the context of
 * the tool call the class was born in, and leave it when the method ends. The number is a constant
 * in the class's code, which the class cannot change.
 */
final class BornAdvice {

  private BornAdvice() {}

  /** The number of the tool call the class was born in, bound when the class is woven. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface CallNumber {}

  /** Every method, constructor and initialiser: enters the call's context. */
  static final class Enter {
    private Enter() {}

    @Advice.OnMethodEnter
    static Object enter(@CallNumber int number) {
      return Born.enter(number);
    }
  }

  /** For methods and the class initialiser: left by a return or an exception. */
  static final class ExitByAnyEnd {
    private ExitByAnyEnd() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter Object entered) {
      Born.leave(entered);
    }
  }

  /**
   * For constructors, whose code before the super constructor's call no handler may cover: left by
   * a return; a constructor that throws leaves its frame to the next frame below it to leave.
   */
  static final class ExitByReturn {
    private ExitByReturn() {}

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Object entered) {
      Born.leave(entered);
    }
  }
}
