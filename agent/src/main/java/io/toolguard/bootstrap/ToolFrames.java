package io.toolguard.bootstrap;

/**
 * The per-thread stack of tool contexts, which {@link Dispatcher} (tool entry and exit, the checks)
 * and {@link HandOffs} (threads, executors, fork/join, timers) share. Package-private, as is
 * everything in it: code outside this package can neither read a context nor push or drop a frame,
 * and only code of the same runtime package (the bootstrap loader's) is in this package.
 */
final class ToolFrames {

  /** This thread's innermost frame, or {@code null} outside tools. */
  static final ThreadLocal<Frame> CURRENT = new Contexts();

  /** Threads a tool started, until they first look at their context. */
  private static final WeakIdentityMap<Frame> STARTED_BY_TOOLS = new WeakIdentityMap<>();

  private ToolFrames() {}

  /** A thread about to start begins in {@code context}, and stays in it for its whole life. */
  static void startIn(Thread thread, Object context) {
    STARTED_BY_TOOLS.put(thread, new Frame(context, null));
  }

  /** Enters {@code context} on this thread, for {@code task}; {@return the frame entered} */
  static Frame enter(Object context, Object task) {
    Frame frame = new Frame(context, CURRENT.get());
    frame.task = task;
    CURRENT.set(frame);
    return frame;
  }

  /**
   * Runs what follows on this thread in {@code context}, on top of the runner's frame, until the
   * caller restores the frame this returns ({@code CURRENT.set(runner)}): how a task handed over or
   * a callback born code made runs where and whenever it is called.
   *
   * @return the runner's frame, to restore
   */
  static Frame runIn(Object context) {
    Frame runner = CURRENT.get();
    CURRENT.set(new Frame(context, runner));
    return runner;
  }

  /**
   * Leaves this thread's innermost frame if it was entered for {@code task} (not null: tools' own
   * frames have none).
   */
  static void leave(Object task) {
    Frame frame = CURRENT.get();
    if (frame != null && task != null && frame.task == task) {
      CURRENT.set(frame.outer);
    }
  }

  /** {@return whether this thread's innermost frame was entered for {@code task} (not null)} */
  static boolean enteredFor(Object task) {
    Frame frame = CURRENT.get();
    return frame != null && task != null && frame.task == task;
  }

  /** The context stack of each thread; a thread a tool started begins with the tool's context. */
  private static final class Contexts extends ThreadLocal<Frame> {
    @Override
    protected Frame initialValue() {
      return STARTED_BY_TOOLS.isEmpty() ? null : STARTED_BY_TOOLS.remove(Thread.currentThread());
    }
  }

  /**
   * One level of a thread's context stack: the context of a tool, or of a task handed over inside
   * one.
   */
  static final class Frame {
    final Object context;
    final Frame outer;

    /** Whether this thread is inside a check now; only the thread that owns the frame sees it. */
    boolean checking;

    /** The fork/join or timer task this frame was entered for, or {@code null}. */
    Object task;

    /**
     * The number of the tool call whose born code entered this frame ({@link Born}), or {@code -1}.
     */
    int born = -1;

    Frame(Object context, Frame outer) {
      this.context = context;
      this.outer = outer;
    }
  }
}
