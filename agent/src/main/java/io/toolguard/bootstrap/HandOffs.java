package io.toolguard.bootstrap;

import io.toolguard.bootstrap.ToolFrames.Frame;
import java.util.Set;
import java.util.concurrent.Callable;

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

  /** Fork/join tasks queued inside a tool, until they run; a task never run is not kept. */
  private static final WeakIdentityMap<Object> QUEUED_BY_TOOLS = new WeakIdentityMap<>();

  /**
   * Timer tasks scheduled inside tools, kept while the task lives: a repeating task runs many
   * times.
   */
  private static final WeakIdentityMap<Object> SCHEDULED_BY_TOOLS = new WeakIdentityMap<>();

  /**
   * {@code java.net.http.HttpClient} exchanges begun inside tools, with the tool's context; weak,
   * so an exchange is kept only while the client works on it.
   */
  private static final WeakIdentityMap<Object> EXCHANGES_OF_TOOLS = new WeakIdentityMap<>();

  /** Marks the frame a timer task runs in, so that the timer thread can leave it. */
  private static final Object TIMER_TASK = new Object();

  /** The JDK class whose woven code runs fork/join tasks, and alone enters and leaves theirs. */
  private static final String FORK_JOIN_RUNNER = "java.util.concurrent.ForkJoinTask";

  /**
   * The JDK class whose woven code runs an {@code HttpClient} exchange's attempts, and alone enters
   * and leaves their contexts.
   */
  private static final String EXCHANGE_RUNNER = "jdk.internal.net.http.Exchange";

  /** The JDK class whose woven code runs timer tasks, and alone enters and leaves theirs. */
  private static final String TIMER_RUNNER = "java.util.TimerThread";

  /** Classes a unit test lets stand in for the runners; always empty in the bootstrap copy. */
  private static volatile Set<Class<?>> runnersForTests = Set.of();

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
    if (ask(frame, Question.THREAD_INHERITS_CONTEXT, true)) {
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
    QUEUED_BY_TOOLS.put(task, frame.context);
  }

  /**
   * Called by woven {@code ForkJoinTask.doExec} as it begins: enters the context the task was
   * queued in. Only {@code ForkJoinTask}'s own code may: called from anywhere else, it neither
   * enters the context nor forgets it, so that a tool cannot run its task free of its context by
   * calling this first, nor take on the context of a task another tool queued.
   */
  public static void forkJoinTaskRunning(Object task) {
    if (QUEUED_BY_TOOLS.isEmpty() || task == null || QUEUED_BY_TOOLS.get(task) == null) {
      return;
    }
    if (!isRunner(Callers.WALKER.getCallerClass(), FORK_JOIN_RUNNER)) {
      return;
    }
    Object context = QUEUED_BY_TOOLS.remove(task);
    if (context != null) {
      ToolFrames.enter(context, task);
    }
  }

  /**
   * Called by woven {@code ForkJoinTask.doExec} as it ends, normally or not: leaves the task's
   * context. Only {@code ForkJoinTask}'s own code may: a task's code cannot leave its context by
   * calling this with itself.
   */
  public static void forkJoinTaskDone(Object task) {
    if (!ToolFrames.enteredFor(task)) {
      return;
    }
    if (isRunner(Callers.WALKER.getCallerClass(), FORK_JOIN_RUNNER)) {
      ToolFrames.leave(task);
    }
  }

  /**
   * Called by woven {@code Timer.sched}: a timer task scheduled inside a tool runs in the tool's
   * context, on whichever timer, every time it runs; unless the JVM scheduled it while initialising
   * itself inside the tool (a JDK class initialiser's periodic task), which serves the whole JVM.
   */
  public static void timerTaskScheduled(Object task) {
    Frame frame = ToolFrames.CURRENT.get();
    if (frame == null || task == null) {
      return;
    }
    if (!frame.checking && ask(frame, Question.JVM_INITIALISING, false)) {
      return;
    }
    SCHEDULED_BY_TOOLS.put(task, frame.context);
  }

  /**
   * Called by the woven timer thread before it runs a task: leaves what an earlier task left (one
   * that threw), then enters the context the task was scheduled in, if any. Only the timer thread's
   * own code may: called from anywhere else, it does nothing.
   */
  public static void timerTaskRunning(Object task) {
    boolean leftOver = ToolFrames.enteredFor(TIMER_TASK);
    Object context =
        SCHEDULED_BY_TOOLS.isEmpty() || task == null ? null : SCHEDULED_BY_TOOLS.get(task);
    if (!leftOver && context == null) {
      return;
    }
    if (!isRunner(Callers.WALKER.getCallerClass(), TIMER_RUNNER)) {
      return;
    }
    ToolFrames.leave(TIMER_TASK);
    if (context != null) {
      ToolFrames.enter(context, TIMER_TASK);
    }
  }

  /**
   * Called by the woven timer thread after it ran a task: leaves the task's context. Only the timer
   * thread's own code may: a timer task cannot leave its context by calling this.
   */
  public static void timerTaskDone() {
    if (ToolFrames.enteredFor(TIMER_TASK)
        && isRunner(Callers.WALKER.getCallerClass(), TIMER_RUNNER)) {
      ToolFrames.leave(TIMER_TASK);
    }
  }

  /**
   * Called by woven {@code java.lang.Module}'s constructor for a class loader's unnamed module, as
   * the loader is created: a loader created inside a tool is born in the tool's call, and every
   * class it defines carries the tool's confinement ({@link Born}). Only {@code Module}'s own code
   * may: called from anywhere else, it does nothing. Outside tools, one thread-local read.
   */
  public static void loaderCreated(Object loader) {
    Frame frame = ToolFrames.CURRENT.get();
    if (frame == null || frame.checking || loader == null) {
      return;
    }
    Born.loaderCreated(frame, loader, Callers.WALKER.getCallerClass());
  }

  /**
   * What {@link #ask} asks the agent; not a lambda, which would bring the JDK's lambda machinery
   * into the bridge's first thread start inside a tool.
   */
  private enum Question {
    THREAD_INHERITS_CONTEXT,
    JVM_INITIALISING
  }

  /**
   * {@return the agent's answer to {@code question}, asked while this thread is marked as checking
   * (so that the agent's own work is not checked again), or {@code onFailure} if it could not
   * answer}
   */
  private static boolean ask(Frame frame, Question question, boolean onFailure) {
    frame.checking = true;
    try {
      Dispatcher.Hooks hooks = Dispatcher.agent();
      return question == Question.THREAD_INHERITS_CONTEXT
          ? hooks.threadInheritsContext()
          : hooks.jvmInitialising();
    } catch (Throwable failure) {
      return onFailure;
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Whether {@code caller} is the JDK class named {@code runner}: that name, defined by the
   * bootstrap or the platform loader, which define only the JDK's own modules' classes.
   */
  private static boolean isRunner(Class<?> caller, String runner) {
    ClassLoader loader = caller.getClassLoader();
    return ((loader == null || loader == ClassLoader.getPlatformClassLoader())
            && caller.getName().equals(runner))
        || runnersForTests.contains(caller);
  }

  /**
   * The unit tests' way to play the JDK's runners from classes of their own. Package-private, and
   * refused by the bootstrap copy, as {@link Dispatcher#installForTests} is.
   */
  static void runnersForTests(Set<Class<?>> runners) {
    if (HandOffs.class.getClassLoader() == null) {
      throw new IllegalStateException("only a test's copy of toolguard's bridge has test runners");
    }
    runnersForTests = Set.copyOf(runners);
  }

  /** Loaded only when a tool's task ends: finds who called an entry. */
  private static final class Callers {
    static final StackWalker WALKER =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Callers() {}
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
    Object context =
        EXCHANGES_OF_TOOLS.isEmpty() || exchange == null ? null : EXCHANGES_OF_TOOLS.get(exchange);
    if (context != null && isRunner(Callers.WALKER.getCallerClass(), EXCHANGE_RUNNER)) {
      ToolFrames.enter(context, exchange);
    }
  }

  /**
   * Called by woven {@code HttpClient} when that attempt's method ends: leaves its context. Only
   * the client's own code may.
   */
  public static void exchangeDone(Object exchange) {
    if (ToolFrames.enteredFor(exchange)
        && isRunner(Callers.WALKER.getCallerClass(), EXCHANGE_RUNNER)) {
      ToolFrames.leave(exchange);
    }
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
      Frame runner = ToolFrames.runIn(context);
      try {
        ((Runnable) task).run();
      } finally {
        ToolFrames.CURRENT.set(runner);
      }
    }

    @Override
    public Object call() throws Exception {
      Frame runner = ToolFrames.runIn(context);
      try {
        return ((Callable<?>) task).call();
      } finally {
        ToolFrames.CURRENT.set(runner);
      }
    }

    @Override
    public String toString() {
      return task.toString();
    }
  }
}
