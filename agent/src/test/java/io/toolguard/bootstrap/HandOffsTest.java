package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

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
  }

  @AfterEach
  void reset() {
    Dispatcher.installForTests(null);
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
          HandOffs.forkJoinTaskRunning(task);
          touch("/while it runs");
          HandOffs.forkJoinTaskDone(task);
          touch("/after it ran");
          // Run again (a task can be reinitialised), it was not queued again: no context.
          HandOffs.forkJoinTaskRunning(task);
          touch("/run again");
          HandOffs.forkJoinTaskDone(task);
        });

    assertThat(checks()).containsExactly("checkFile tool 1: [/while it runs, 1, null]");
  }

  @Test
  void aForkJoinTaskQueuedOutsideToolsRunsInNone() {
    ForkJoinTask<?> task = ForkJoinTask.adapt(() -> {});
    HandOffs.forkJoinTaskQueued(task);

    HandOffs.forkJoinTaskRunning(task);
    touch("/while it runs");
    HandOffs.forkJoinTaskDone(task);

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
          HandOffs.exchangeRunning(exchange);
          touch("/first attempt");
          HandOffs.exchangeDone(exchange);
          touch("/between attempts");
          HandOffs.exchangeRunning(exchange);
          touch("/redirect");
          HandOffs.exchangeDone(exchange);
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

    HandOffs.exchangeRunning(exchange);
    touch("/attempt");
    HandOffs.exchangeDone(exchange);
    Dispatcher.exitTool(frame);
    HandOffs.exchangeRunning(exchange);
    touch("/outside");
    HandOffs.exchangeDone(exchange);

    assertThat(checks()).containsExactly("checkFile tool 2: [/attempt, 1, null]");
  }

  @Test
  void aTaskEndingLeavesOnlyTheFrameItEntered() {
    Object frame = tool(1);

    HandOffs.forkJoinTaskDone(ForkJoinTask.adapt(() -> {}));
    HandOffs.forkJoinTaskDone(null);
    HandOffs.timerTaskDone();
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
            HandOffs.timerTaskRunning(task);
            touch("/run " + run);
            HandOffs.timerTaskDone();
            touch("/between runs");
          }
        });

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [/run 1, 1, null]", "checkFile tool 1: [/run 2, 1, null]");
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
          HandOffs.timerTaskRunning(scheduledInATool);
          touch("/before it threw");
          // It threw: the woven loop never called timerTaskDone.
          HandOffs.timerTaskRunning(anyonesTask);
          touch("/in the next task");
          HandOffs.timerTaskDone();
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
}
