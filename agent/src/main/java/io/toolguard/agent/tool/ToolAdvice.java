package io.toolguard.agent.tool;

import io.toolguard.bootstrap.Dispatcher;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into every guarded method: ask before the body runs; after it ends, let the agent look at
 * what it returned, and restore the context.
 */
final class ToolAdvice {

  private ToolAdvice() {}

  @Advice.OnMethodEnter
  static Object enter(@ToolId int toolId, @Advice.AllArguments Object[] arguments) {
    return Dispatcher.enterTool(toolId, arguments);
  }

  /**
   * Hands what the body returned (boxed; {@code null} for {@code void} and when it threw) to the
   * dispatcher, which may withhold it by throwing instead.
   */
  @Advice.OnMethodExit(onThrowable = Throwable.class)
  static void exit(
      @Advice.Enter Object frame,
      @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown Throwable thrown) {
    Dispatcher.exitTool(frame, thrown == null ? returned : null);
  }
}
