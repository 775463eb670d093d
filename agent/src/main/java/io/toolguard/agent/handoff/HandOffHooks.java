package io.toolguard.agent.handoff;

import io.toolguard.agent.tool.ConstantPool;
import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.AroundCall;
import io.toolguard.agent.weave.Insertion.HandOff;
import io.toolguard.agent.weave.Insertion.Notify;
import io.toolguard.agent.weave.Insertion.OnExit;
import io.toolguard.agent.weave.Insertion.Receiver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinTask;

/**
 * Where a tool hands work to another thread, and how its context follows: a thread the tool starts
 * runs in the tool's context (captured at start); a task handed to an executor is wrapped at
 * submission and runs in the context of the tool that submitted it; a fork/join task queued inside
 * a tool (forked, submitted, a parallel stream's) runs in that tool's context on any worker; a
 * timer task scheduled inside a tool runs in its context on any timer, each time it runs; and tasks
 * from anyone else on the same pool or timer run in none. Classes a JDK version lacks are left out.
 */
public final class HandOffHooks {

  private static final String RUNNABLE = "Ljava/lang/Runnable;";
  private static final String CALLABLE = "Ljava/util/concurrent/Callable;";
  private static final String CONTAINER = "(Ljdk/internal/vm/ThreadContainer;)V";
  private static final String FORK_JOIN_TASK = "Ljava/util/concurrent/ForkJoinTask;";
  private static final String QUEUED = "forkJoinTaskQueued";

  /** The thread about to start may inherit the tool's context. */
  private static final Notify STARTING = new Notify("threadStarting", new Receiver());

  private HandOffHooks() {}

  /** {@return the hooks by internal class name, for the classes this JDK has} */
  public static Map<String, List<Hook>> forThisJvm() {
    Map<String, List<Hook>> hooks = new LinkedHashMap<>();
    hooks.put(
        "java/lang/Thread",
        List.of(Hook.at("start", "()V", STARTING), Hook.optional("start", CONTAINER, STARTING)));
    ifPresent(
        hooks,
        "java/lang/VirtualThread",
        List.of(
            Hook.optional("start", "()V", STARTING), Hook.optional("start", CONTAINER, STARTING)));
    hooks.put(
        "java/util/concurrent/ThreadPoolExecutor",
        List.of(Hook.at("execute", "(" + RUNNABLE + ")V", new HandOff(0))));
    // Its execute and submit schedule, and scheduled tasks go straight to the queue.
    hooks.put(
        "java/util/concurrent/ScheduledThreadPoolExecutor",
        List.of(
            Hook.at(
                "schedule",
                "("
                    + RUNNABLE
                    + "JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;",
                new HandOff(0)),
            Hook.at(
                "schedule",
                "("
                    + CALLABLE
                    + "JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;",
                new HandOff(0)),
            Hook.at(
                "scheduleAtFixedRate",
                "("
                    + RUNNABLE
                    + "JJLjava/util/concurrent/TimeUnit;)"
                    + "Ljava/util/concurrent/ScheduledFuture;",
                new HandOff(0)),
            Hook.at(
                "scheduleWithFixedDelay",
                "("
                    + RUNNABLE
                    + "JJLjava/util/concurrent/TimeUnit;)"
                    + "Ljava/util/concurrent/ScheduledFuture;",
                new HandOff(0))));
    // CompletableFuture's *Async methods hand their work to one of these executors.
    hooks.put(
        "java/util/concurrent/ForkJoinTask",
        List.of(
            Hook.at(
                "fork",
                "()Ljava/util/concurrent/ForkJoinTask;",
                new Notify(QUEUED, new Receiver())),
            Hook.at(
                "doExec",
                doExecDescriptor(),
                new Notify("forkJoinTaskRunning", new Receiver()),
                new OnExit("forkJoinTaskDone", new Receiver()))));
    hooks.put(
        "java/util/concurrent/ForkJoinPool",
        List.of(
            Hook.at("execute", "(" + FORK_JOIN_TASK + ")V", new Notify(QUEUED, new Argument(0))),
            Hook.at(
                "submit",
                "(" + FORK_JOIN_TASK + ")" + FORK_JOIN_TASK,
                new Notify(QUEUED, new Argument(0))),
            Hook.at(
                "invoke",
                "(" + FORK_JOIN_TASK + ")Ljava/lang/Object;",
                new Notify(QUEUED, new Argument(0))),
            Hook.at("execute", "(" + RUNNABLE + ")V", new HandOff(0)),
            Hook.at(
                "submit", "(" + CALLABLE + ")Ljava/util/concurrent/ForkJoinTask;", new HandOff(0)),
            Hook.at(
                "submit", "(" + RUNNABLE + ")Ljava/util/concurrent/ForkJoinTask;", new HandOff(0)),
            Hook.at(
                "submit",
                "(" + RUNNABLE + "Ljava/lang/Object;)Ljava/util/concurrent/ForkJoinTask;",
                new HandOff(0))));
    ifPresent(
        hooks,
        "java/util/concurrent/ThreadPerTaskExecutor",
        List.of(
            Hook.at("execute", "(" + RUNNABLE + ")V", new HandOff(0)),
            Hook.at("submit", "(" + CALLABLE + ")Ljava/util/concurrent/Future;", new HandOff(0)),
            Hook.at("submit", "(" + RUNNABLE + ")Ljava/util/concurrent/Future;", new HandOff(0)),
            Hook.at(
                "submit",
                "(" + RUNNABLE + "Ljava/lang/Object;)Ljava/util/concurrent/Future;",
                new HandOff(0))));
    ifPresent(
        hooks,
        "java/util/concurrent/CompletableFuture$ThreadPerTaskExecutor",
        List.of(Hook.at("execute", "(" + RUNNABLE + ")V", new HandOff(0))));
    // Every schedule method of a Timer ends in sched; its thread runs each task in mainLoop.
    hooks.put(
        "java/util/Timer",
        List.of(
            Hook.at(
                "sched",
                "(Ljava/util/TimerTask;JJ)V",
                new Notify("timerTaskScheduled", new Argument(0)))));
    hooks.put(
        "java/util/TimerThread",
        List.of(
            Hook.at(
                "mainLoop",
                "()V",
                new AroundCall(
                    "java/util/TimerTask", "run", "timerTaskRunning", "timerTaskDone"))));
    return hooks;
  }

  /**
   * {@code ()I} on JDK 17, {@code ()V} on JDK 25: every fork/join task runs through it. Read from
   * the class file: reflection on the class loaded every type its methods name, and the method
   * handle machinery, about 3 ms of the weaving thread.
   */
  private static String doExecDescriptor() {
    ConstantPool pool = ConstantPool.of(ForkJoinTask.class);
    if (pool != null) {
      try {
        for (ConstantPool.Method method : pool.methods()) {
          if (method.name().equals("doExec") && method.descriptor().startsWith("()")) {
            return method.descriptor();
          }
        }
      } catch (IllegalArgumentException unreadable) {
        // said below
      }
    }
    throw new IllegalStateException(
        "java.util.concurrent.ForkJoinTask has no doExec on this JDK ("
            + System.getProperty("java.version")
            + ") that toolguard can read; work a tool forks would go unchecked, so the JVM is not"
            + " started");
  }

  private static void ifPresent(
      Map<String, List<Hook>> hooks, String internalName, List<Hook> classHooks) {
    try {
      Class.forName(internalName.replace('/', '.'), false, null);
      hooks.put(internalName, classHooks);
    } catch (ClassNotFoundException absent) {
      // this JDK has no such class, so no such route
    }
  }
}
