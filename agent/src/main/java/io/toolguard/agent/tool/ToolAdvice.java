package io.toolguard.agent.tool;

import io.toolguard.bootstrap.Dispatcher;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every guarded method: ask before the body runs, restore the context after it ends.
 */
final class ToolAdvice {

  private ToolAdvice() {}

  @Advice.OnMethodEnter
  static Object enter(@ToolId int toolId, @Advice.AllArguments Object[] arguments) {
    return Dispatcher.enterTool(toolId, arguments);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class)
  static void exit(@Advice.Enter Object frame) {
    Dispatcher.exitTool(frame);
  }
}
