package io.toolguard.bootstrap;

import io.toolguard.bootstrap.ToolFrames.Frame;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Context propagation: where woven JDK code hands work to another thread, the tool context goes
 * with it. A thread a tool starts, a task it hands to an executor, a fork/join task it queues, a
 * timer task it schedules and an {@code HttpClient} request it sends all run in the tool's context,
 * wherever and whenever they run; work from anyone else on the same pool, timer or client runs in
 * none. It decides nothing: the checks that work meets are {@link Dispatcher}'s.
 *
 * <p>Each entry is narrow: it can carry only the context of the tool running on the calling thread,
 * and only onto the thread, task, timer task or exchange it is given; a context a task or an
 * exchange's attempt entered is left when it ends. Outside tools each costs one thread-local read
 * (or, for the runners, one counter or one emptiness test). See {@link Dispatcher} for why these
 * classes live on the bootstrap class path.
 */
public final class HandOffs {

  /**
   * Fork/join tasks queued inside a tool, until they run; weak, so a task never run is not kept.
   */
  private static final Map<Object, Object> QUEUED_BY_TOOLS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * How many of those have not run yet (tasks never run keep it up: then only the fast path is
   * lost).
   */
  private static final AtomicInteger QUEUED_COUNT = new AtomicInteger();

  /**
   * Timer tasks scheduled inside tools, kept while the task lives: a repeating task runs many
   * times.
   */
  private static final Map<Object, Object> SCHEDULED_BY_TOOLS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * {@code java.net.http.HttpClient} exchanges begun inside tools, with the tool's context; weak,
   * so an exchange is kept only while the client works on it.
   */
  private static final Map<Object, Object> EXCHANGES_OF_TOOLS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Marks the frame a timer task runs in, so that the timer thread can leave it. */
  private static final Object TIMER_TASK = new Object();

  private HandOffs() {}

  /**
   * Called by woven {@code Thread.start}: a thread a tool starts runs in the tool's context, even
   * after the tool has returned (capture at start, not an inheritable thread-local).
   */
  public static void threadStarting(Object thread) {
    Frame frame = ToolFrames.CURRENT.get();
    if (frame == null || frame.checking) {
      return;
    }
    boolean inherits;
    frame.checking = true;
    try {
      inherits = Dispatcher.hooks().threadInheritsContext();
    } catch (Throwable failure) {
      inherits = true;
    } finally {
      frame.checking = false;
    }
    if (inherits) {
      ToolFrames.startIn((Thread) thread, frame.context);
    }
  }

  /**
   * Called by woven executors on each {@code Runnable} or {@code Callable} handed to them: inside a
   * tool, wraps it so that it runs in the tool's context wherever and whenever it runs; outside
   * tools, returns it unchanged (one thread-local read).
   */
  public static Object handOff(Object task) {
    Frame frame = ToolFrames.CURRENT.get();
    if (frame == null || task == null || task instanceof Handed) {
      return task;
    }
    return new Handed(task, frame.context);
  }

  /**
   * Called by woven {@code ForkJoinTask.fork} and {@code ForkJoinPool}'s methods that take a {@code
   * ForkJoinTask}: a task queued inside a tool runs in the tool's context, on any worker. A task
   * cannot be wrapped (its identity is its result), so the context waits beside it.
   */
  public static void forkJoinTaskQueued(Object task) {
    Frame frame = ToolFrames.CURRENT.get();
    if (frame == null || task == null) {
      return;
    }
    if (QUEUED_BY_TOOLS.put(task, frame.context) == null) {
      QUEUED_COUNT.incrementAndGet();
    }
  }

  /**
   * Called by woven {@code ForkJoinTask.doExec} as it begins: enters the context the task was
   * queued in.
   */
  public static void forkJoinTaskRunning(Object task) {
    if (QUEUED_COUNT.get() == 0) {
      return;
    }
    Object context = QUEUED_BY_TOOLS.remove(task);
    if (context == null) {
      return;
    }
    QUEUED_COUNT.decrementAndGet();
    ToolFrames.enter(context, task);
  }

  /**
   * Called by woven {@code ForkJoinTask.doExec} as it ends, normally or not: leaves the task's
   * context.
   */
  public static void forkJoinTaskDone(Object task) {
    ToolFrames.leave(task);
  }

  /**
   * Called by woven {@code Timer.sched}: a timer task scheduled inside a tool runs in the tool's
   * context, on whichever timer, every time it runs.
   */
  public static void timerTaskScheduled(Object task) {
    Frame frame = ToolFrames.CURRENT.get();
    if (frame != null && task != null) {
      SCHEDULED_BY_TOOLS.put(task, frame.context);
    }
  }

  /**
   * Called by the woven timer thread before it runs a task: leaves what an earlier task left (one
   * that threw), then enters the context the task was scheduled in, if any.
   */
  public static void timerTaskRunning(Object task) {
    timerTaskDone();
    Object context = SCHEDULED_BY_TOOLS.isEmpty() ? null : SCHEDULED_BY_TOOLS.get(task);
    if (context != null) {
      ToolFrames.enter(context, TIMER_TASK);
    }
  }

  /** Called by the woven timer thread after it ran a task: leaves the task's context. */
  public static void timerTaskDone() {
    ToolFrames.leave(TIMER_TASK);
  }

  /**
   * Called by woven {@code HttpClient} as a request begins ({@code MultiExchange.responseAsync}, on
   * the thread that called {@code send} or {@code sendAsync}): an exchange begun inside a tool
   * chooses and opens its connections in the tool's context, on whichever of the client's threads
   * does it, whatever executor the client was built with, and for every redirect and retry.
   */
  public static void exchangeStarting(Object exchange) {
    Frame frame = ToolFrames.CURRENT.get();
    if (frame != null && !frame.checking && exchange != null) {
      EXCHANGES_OF_TOOLS.put(exchange, frame.context);
    }
  }

  /**
   * Called by woven {@code HttpClient} as one attempt of an exchange chooses its connection (from
   * its pools or a new one) and connects ({@code Exchange.responseAsyncImpl}): enters the context
   * the exchange began in, if a tool began it. Outside tools, one emptiness test.
   */
  public static void exchangeRunning(Object exchange) {
    Object context = EXCHANGES_OF_TOOLS.isEmpty() ? null : EXCHANGES_OF_TOOLS.get(exchange);
    if (context != null) {
      ToolFrames.enter(context, exchange);
    }
  }

  /** Called by woven {@code HttpClient} when that attempt's method ends: leaves its context. */
  public static void exchangeDone(Object exchange) {
    ToolFrames.leave(exchange);
  }

  /**
   * A task handed over inside a tool: it runs in that tool's context, then restores the runner's.
   */
  private static final class Handed implements Runnable, Callable<Object> {
    private final Object task;
    private final Object context;

    Handed(Object task, Object context) {
      this.task = task;
      this.context = context;
    }

    @Override
    public void run() {
      Frame runner = enter();
      try {
        ((Runnable) task).run();
      } finally {
        ToolFrames.CURRENT.set(runner);
      }
    }

    @Override
    public Object call() throws Exception {
      Frame runner = enter();
      try {
        return ((Callable<?>) task).call();
      } finally {
        ToolFrames.CURRENT.set(runner);
      }
    }

    /** Enters the task's context; {@return the runner's, to restore} */
    private Frame enter() {
      Frame runner = ToolFrames.CURRENT.get();
      ToolFrames.CURRENT.set(new Frame(context, runner));
      return runner;
    }

    @Override
    public String toString() {
      return task.toString();
    }
  }
}
