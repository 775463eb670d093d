package io.toolguard.agent.handoff;

import static io.toolguard.agent.weave.Provenance.Purpose.FORWARDS_THREAD_STARTS;
import static io.toolguard.agent.weave.Provenance.Purpose.STARTS_A_THREAD;
import static io.toolguard.agent.weave.Provenance.Purpose.STARTS_THREADS_FOR_ITS_CREATOR;

import io.toolguard.agent.weave.FrameWalk;
import io.toolguard.agent.weave.JdkInitialisation;
import io.toolguard.agent.weave.Provenance;
import java.lang.StackWalker.StackFrame;
import java.util.Iterator;
import java.util.Set;

/**
 * Decides whether a thread started inside a tool runs in the tool's context for its whole life: yes
 * when the tool (or any code it calls) starts it, or a {@code java.util.Timer} it creates does; no
 * when the JDK starts it as a worker of a pool or an executor, whose tasks carry their own context
 * instead, so that the pool's later tasks from others are never restricted. Nor when the JVM starts
 * it as it initialises itself ({@link JdkInitialisation}: the preferences' sync timer, a class
 * initialiser's daemon thread): that thread serves the whole JVM for its life, and confining it to
 * the tool that happened to come first would break the facility for everyone after.
 */
public final class ThreadStarts {

  private static final StackWalker WALKER =
      StackWalker.getInstance(
          Set.of(
              StackWalker.Option.RETAIN_CLASS_REFERENCE,
              StackWalker.Option.SHOW_HIDDEN_FRAMES,
              StackWalker.Option.SHOW_REFLECT_FRAMES));

  private ThreadStarts() {}

  /**
   * {@return whether the thread being started on this thread inherits the running tool's context}
   */
  public static boolean inheritContext() {
    return WALKER.walk(STARTED_BY_TOOL_CODE) && !JdkInitialisation.underway();
  }

  private static final FrameWalk<Boolean> STARTED_BY_TOOL_CODE = new StartedByToolCode();

  private static final class StartedByToolCode extends FrameWalk<Boolean> {
    @Override
    protected Boolean walk(Iterator<StackFrame> frames) {
      return startedByToolCode(frames);
    }
  }

  private static boolean startedByToolCode(Iterator<StackFrame> frames) {
    boolean pastStart = false;
    while (frames.hasNext()) {
      StackFrame frame = frames.next();
      String name = frame.getClassName();
      if (!pastStart) {
        pastStart = Provenance.matches(STARTS_A_THREAD, name);
        continue;
      }
      // Reflection, a method handle or a JDK method reference only carries the start out for
      // whoever called it; a tool's method reference (Optional.of(thread).ifPresent(Thread::start))
      // is the tool starting the thread, though JDK code called it.
      if (Provenance.matches(FORWARDS_THREAD_STARTS, name)
          || Provenance.forwardsCalls(frame.getDeclaringClass())) {
        continue;
      }
      return !Provenance.isJdkCode(frame.getDeclaringClass())
          || Provenance.matches(STARTS_THREADS_FOR_ITS_CREATOR, name);
    }
    return true;
  }
}
