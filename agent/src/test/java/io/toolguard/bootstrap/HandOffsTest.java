package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TimerTask;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a tool's context follows the work it hands over, in a class-path copy of the bridge: each
 * test calls the entries as the woven JDK does, and a file check shows which context is current.
 */
class HandOffsTest {

  private final RecordingHooks hooks = new RecordingHooks();

  @BeforeEach
  void installHooks() {
    Dispatcher.installForTests(hooks);
    HandOffs.runnersForTests(Set.of(JdkRunner.class));
  }

  @AfterEach
  void reset() {
    Dispatcher.installForTests(null);
    HandOffs.runnersForTests(Set.of());
    ToolFrames.CURRENT.remove();
  }

  /** A file check, written down with the context it ran in (or not at all, outside tools). */
  private static void touch(String path) {
    Dispatcher.checkFile(path, Dispatcher.READ, null);
  }

  private static void onAnotherThread(Runnable work) throws InterruptedException {
    Thread thread = new Thread(work);
    thread.start();
    thread.join();
  }

  private static Object tool(int id) {
    return Dispatcher.enterTool(id, new Object[0]);
  }

  private java.util.List<String> checks() {
    return hooks.calls.stream().filter(call -> call.startsWith("checkFile")).toList();
  }

  @Test
  void outsideToolsATaskIsHandedOverAsItIs() {
    Runnable task = () -> {};

    assertThat(HandOffs.handOff(task)).isSameAs(task);
    assertThat(HandOffs.handOff(null)).isNull();
  }

  @Test
  void aTaskHandedOverInsideAToolRunsInItsContextOnAnyThreadAfterTheToolReturned()
      throws Exception {
    Object frame = tool(1);
    Runnable task = () -> touch("/in the task");
    Object handed = HandOffs.handOff(task);
    Dispatcher.exitTool(frame);

    onAnotherThread((Runnable) handed);
    ((Runnable) handed).run();
    touch("/after it");

    assertThat(handed).isNotSameAs(task).hasToString(task.toString());
    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [/in the task, 1, null]",
            "checkFile tool 1: [/in the task, 1, null]");
  }

  @Test
  void aHandedTaskGivesTheRunnerItsOwnContextBack() {
    Object first = tool(1);
    Runnable handed = (Runnable) HandOffs.handOff((Runnable) () -> touch("/in the task"));
    Dispatcher.exitTool(first);
    Object runner = tool(2);

    handed.run();
    touch("/in the runner");
    Dispatcher.exitTool(runner);

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [/in the task, 1, null]",
            "checkFile tool 2: [/in the runner, 1, null]");
  }

  @Test
  void aCallableIsHandedOverTooAndItsResultComesBack() throws Exception {
    Object frame = tool(1);
    Callable<?> handed =
        (Callable<?>)
            HandOffs.handOff(
                (Callable<String>)
                    () -> {
                      touch("/in the callable");
                      return "result";
                    });
    Dispatcher.exitTool(frame);

    assertThat(handed.call()).isEqualTo("result");
    assertThat(checks()).containsExactly("checkFile tool 1: [/in the callable, 1, null]");
  }

  @Test
  void aTaskHandedOverTwiceIsWrappedOnce() {
    Object frame = tool(1);
    Object handed = HandOffs.handOff((Runnable) () -> {});

    assertThat(HandOffs.handOff(handed)).isSameAs(handed);
    Dispatcher.exitTool(frame);
  }

  @Test
  void aForkJoinTaskQueuedInsideAToolRunsInItsContextUntilItIsDone() throws Exception {
    ForkJoinTask<?> task = ForkJoinTask.adapt(() -> {});
    Object frame = tool(1);
    HandOffs.forkJoinTaskQueued(task);
    Dispatcher.exitTool(frame);

    onAnotherThread(
        () -> {
          JdkRunner.forkJoinTaskRunning(task);
          touch("/while it runs");
          JdkRunner.forkJoinTaskDone(task);
          touch("/after it ran");
          // Run again (a task can be reinitialised), it was not queued again: no context.
          JdkRunner.forkJoinTaskRunning(task);
          touch("/run again");
          JdkRunner.forkJoinTaskDone(task);
        });

    assertThat(checks()).containsExactly("checkFile tool 1: [/while it runs, 1, null]");
  }

  @Test
  void aForkJoinTaskQueuedOutsideToolsRunsInNone() {
    ForkJoinTask<?> task = ForkJoinTask.adapt(() -> {});
    HandOffs.forkJoinTaskQueued(task);

    JdkRunner.forkJoinTaskRunning(task);
    touch("/while it runs");
    JdkRunner.forkJoinTaskDone(task);

    assertThat(hooks.calls).isEmpty();
  }

  @Test
  void anHttpExchangeBegunInsideAToolRunsEachAttemptInItsContextOnAnyThread() throws Exception {
    Object exchange = new Object();
    Object frame = tool(1);
    HandOffs.exchangeStarting(exchange);
    Dispatcher.exitTool(frame);

    onAnotherThread(
        () -> {
          JdkRunner.exchangeRunning(exchange);
          touch("/first attempt");
          JdkRunner.exchangeDone(exchange);
          touch("/between attempts");
          JdkRunner.exchangeRunning(exchange);
          touch("/redirect");
          JdkRunner.exchangeDone(exchange);
        });

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [/first attempt, 1, null]",
            "checkFile tool 1: [/redirect, 1, null]");
  }

  @Test
  void anHttpExchangeBegunOutsideToolsRunsInNoneEvenOnAToolsThread() {
    Object exchange = new Object();
    HandOffs.exchangeStarting(exchange);
    Object other = new Object();
    Object frame = tool(2);
    HandOffs.exchangeStarting(other);

    JdkRunner.exchangeRunning(exchange);
    touch("/attempt");
    JdkRunner.exchangeDone(exchange);
    Dispatcher.exitTool(frame);
    JdkRunner.exchangeRunning(exchange);
    touch("/outside");
    JdkRunner.exchangeDone(exchange);

    assertThat(checks()).containsExactly("checkFile tool 2: [/attempt, 1, null]");
  }

  @Test
  void aTaskEndingLeavesOnlyTheFrameItEntered() {
    Object frame = tool(1);

    JdkRunner.forkJoinTaskDone(ForkJoinTask.adapt(() -> {}));
    JdkRunner.forkJoinTaskDone(null);
    JdkRunner.timerTaskDone();
    touch("/still in the tool");
    Dispatcher.exitTool(frame);

    assertThat(checks()).containsExactly("checkFile tool 1: [/still in the tool, 1, null]");
  }

  @Test
  void aTimerTaskScheduledInsideAToolRunsInItsContextEveryTime() throws Exception {
    TimerTask task = timerTask();
    Object frame = tool(1);
    HandOffs.timerTaskScheduled(task);
    Dispatcher.exitTool(frame);

    onAnotherThread(
        () -> {
          for (int run = 1; run <= 2; run++) {
            JdkRunner.timerTaskRunning(task);
            touch("/run " + run);
            JdkRunner.timerTaskDone();
            touch("/between runs");
          }
        });

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [/run 1, 1, null]", "checkFile tool 1: [/run 2, 1, null]");
  }

  @Test
  void aTimerTaskTheJvmSchedulesAsItInitialisesInsideAToolRunsInNoToolsContext() throws Exception {
    hooks.jvmInitialising = () -> true;
    TimerTask task = timerTask();
    Object frame = tool(1);
    HandOffs.timerTaskScheduled(task);
    Dispatcher.exitTool(frame);

    onAnotherThread(
        () -> {
          HandOffs.timerTaskRunning(task);
          touch("/the JVM's periodic work");
          HandOffs.timerTaskDone();
        });

    assertThat(hooks.calls).contains("jvmInitialising");
    assertThat(checks()).isEmpty();
  }

  @Test
  void aTimerTaskIsTheToolsWhenItCannotBeToldWhoScheduledIt() throws Exception {
    hooks.jvmInitialising =
        () -> {
          throw new IllegalStateException("the stack could not be walked");
        };
    TimerTask task = timerTask();
    Object frame = tool(1);
    HandOffs.timerTaskScheduled(task);
    Dispatcher.exitTool(frame);

    onAnotherThread(
        () -> {
          JdkRunner.timerTaskRunning(task);
          touch("/run");
          JdkRunner.timerTaskDone();
        });

    assertThat(checks()).containsExactly("checkFile tool 1: [/run, 1, null]");
  }

  @Test
  void theNextTimerTaskLeavesWhatOneThatThrewLeftBehind() throws Exception {
    TimerTask scheduledInATool = timerTask();
    TimerTask anyonesTask = timerTask();
    Object frame = tool(1);
    HandOffs.timerTaskScheduled(scheduledInATool);
    Dispatcher.exitTool(frame);

    onAnotherThread(
        () -> {
          JdkRunner.timerTaskRunning(scheduledInATool);
          touch("/before it threw");
          // It threw: the woven loop never called timerTaskDone.
          JdkRunner.timerTaskRunning(anyonesTask);
          touch("/in the next task");
          JdkRunner.timerTaskDone();
        });

    assertThat(checks()).containsExactly("checkFile tool 1: [/before it threw, 1, null]");
  }

  @Test
  void aThreadStartedInsideAToolRunsInItsContextForItsWholeLife() throws Exception {
    Object frame = tool(1);
    Thread thread = new Thread(() -> touch("/in the thread"));
    HandOffs.threadStarting(thread);
    Dispatcher.exitTool(frame);
    thread.start();
    thread.join();

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [1, []]",
            "threadInheritsContext",
            "checkFile tool 1: [/in the thread, 1, null]");
  }

  @Test
  void aThreadTheAgentSaysIsAPoolWorkerRunsInNoContext() throws Exception {
    hooks.inheritsContext = () -> false;
    Object frame = tool(1);
    Thread thread = new Thread(() -> touch("/in the worker"));
    HandOffs.threadStarting(thread);
    Dispatcher.exitTool(frame);
    thread.start();
    thread.join();

    assertThat(checks()).isEmpty();
  }

  @Test
  void aThreadStartedWhenTheAgentCannotTellInheritsTheContext() throws Exception {
    hooks.inheritsContext =
        () -> {
          throw new IllegalStateException("cannot tell");
        };
    Object frame = tool(1);
    Thread thread = new Thread(() -> touch("/in the thread"));
    HandOffs.threadStarting(thread);
    Dispatcher.exitTool(frame);
    thread.start();
    thread.join();

    assertThat(checks()).containsExactly("checkFile tool 1: [/in the thread, 1, null]");
  }

  @Test
  void aThreadStartedOutsideToolsOrWhileCheckingRunsInNoContext() throws Exception {
    Thread outside = new Thread(() -> touch("/outside"));
    HandOffs.threadStarting(outside);
    outside.start();
    outside.join();
    Object frame = tool(1);
    Thread byTheCheck = new Thread(() -> touch("/started by a check"));
    hooks.during = () -> HandOffs.threadStarting(byTheCheck);
    touch("/a");
    hooks.during = () -> {};
    Dispatcher.exitTool(frame);
    byTheCheck.start();
    byTheCheck.join();

    assertThat(checks()).containsExactly("checkFile tool 1: [/a, 1, null]");
  }

  private static TimerTask timerTask() {
    return new TimerTask() {
      @Override
      public void run() {}
    };
  }

  @Test
  void aTaskCannotLeaveTheContextItRunsInByCallingTheEntriesItself() throws Exception {
    Object frame = tool(1);
    ForkJoinTask<?> task = ForkJoinTask.adapt(() -> {});
    HandOffs.forkJoinTaskQueued(task);
    TimerTask timerTask = timerTask();
    HandOffs.timerTaskScheduled(timerTask);
    Dispatcher.exitTool(frame);

    onAnotherThread(
        () -> {
          JdkRunner.forkJoinTaskRunning(task);
          HandOffs.forkJoinTaskDone(task);
          touch("/after the fork/join task's own call");
          JdkRunner.forkJoinTaskDone(task);
          JdkRunner.timerTaskRunning(timerTask);
          HandOffs.timerTaskDone();
          HandOffs.timerTaskRunning(null);
          touch("/after the timer task's own calls");
          JdkRunner.timerTaskDone();
          touch("/after both ended");
        });

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [/after the fork/join task's own call, 1, null]",
            "checkFile tool 1: [/after the timer task's own calls, 1, null]");
  }

  @Test
  void aToolCannotForgetTheContextOfATaskItQueuedNorTakeOnAnothers() throws Exception {
    Object first = tool(1);
    ForkJoinTask<?> queuedByTheFirst = ForkJoinTask.adapt(() -> {});
    HandOffs.forkJoinTaskQueued(queuedByTheFirst);
    TimerTask scheduledByTheFirst = timerTask();
    HandOffs.timerTaskScheduled(scheduledByTheFirst);
    Dispatcher.exitTool(first);

    Object second = tool(2);
    HandOffs.forkJoinTaskRunning(queuedByTheFirst);
    HandOffs.timerTaskRunning(scheduledByTheFirst);
    touch("/in the second tool");
    Dispatcher.exitTool(second);
    onAnotherThread(
        () -> {
          JdkRunner.forkJoinTaskRunning(queuedByTheFirst);
          touch("/in the task");
          JdkRunner.forkJoinTaskDone(queuedByTheFirst);
        });

    assertThat(checks())
        .containsExactly(
            "checkFile tool 2: [/in the second tool, 1, null]",
            "checkFile tool 1: [/in the task, 1, null]");
  }

  @Test
  void tasksAndThreadsAreKnownByIdentityNotByTheirOwnHashCodeOrEquals() throws Exception {
    Object frame = tool(1);
    Shifty task = new Shifty();
    HandOffs.forkJoinTaskQueued(task);
    ShiftyTimerTask timerTask = new ShiftyTimerTask();
    HandOffs.timerTaskScheduled(timerTask);
    ShiftyThread thread = new ShiftyThread(() -> touch("/in the thread"));
    HandOffs.threadStarting(thread);
    Dispatcher.exitTool(frame);
    HandOffs.forkJoinTaskQueued(new Shifty());

    onAnotherThread(
        () -> {
          JdkRunner.forkJoinTaskRunning(task);
          touch("/in the task");
          JdkRunner.forkJoinTaskDone(task);
          JdkRunner.timerTaskRunning(timerTask);
          touch("/in the timer task");
          JdkRunner.timerTaskDone();
          JdkRunner.forkJoinTaskRunning(new Shifty());
          touch("/in a task that equals the first");
        });
    thread.start();
    thread.join();

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [/in the task, 1, null]",
            "checkFile tool 1: [/in the timer task, 1, null]",
            "checkFile tool 1: [/in the thread, 1, null]");
  }

  /** Plays the JDK's woven runners: the one caller {@link HandOffs} lets enter and leave. */
  private static final class JdkRunner {
    private JdkRunner() {}

    static void forkJoinTaskRunning(Object task) {
      HandOffs.forkJoinTaskRunning(task);
    }

    static void forkJoinTaskDone(Object task) {
      HandOffs.forkJoinTaskDone(task);
    }

    static void timerTaskRunning(Object task) {
      HandOffs.timerTaskRunning(task);
    }

    static void timerTaskDone() {
      HandOffs.timerTaskDone();
    }

    static void exchangeRunning(Object exchange) {
      HandOffs.exchangeRunning(exchange);
    }

    static void exchangeDone(Object exchange) {
      HandOffs.exchangeDone(exchange);
    }
  }

  /** A task whose hash code changes at every call, and that equals every other of its kind. */
  @SuppressWarnings({"serial", "EqualsHashCode"})
  private static final class Shifty extends ForkJoinTask<Void> {
    private static final java.util.concurrent.atomic.AtomicInteger HASHES =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public int hashCode() {
      return HASHES.incrementAndGet();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Shifty;
    }

    @Override
    public Void getRawResult() {
      return null;
    }

    @Override
    protected void setRawResult(Void value) {}

    @Override
    protected boolean exec() {
      return true;
    }
  }

  /** A timer task whose hash code changes at every call. */
  private static final class ShiftyTimerTask extends TimerTask {
    private int hashes;

    @Override
    public int hashCode() {
      return ++hashes;
    }

    @Override
    public boolean equals(Object other) {
      return this == other;
    }

    @Override
    public void run() {}
  }

  /** A thread whose hash code changes at every call. */
  private static final class ShiftyThread extends Thread {
    private int hashes;

    ShiftyThread(Runnable work) {
      super(work);
    }

    @Override
    public int hashCode() {
      return ++hashes;
    }

    @Override
    public boolean equals(Object other) {
      return this == other;
    }
  }
}
