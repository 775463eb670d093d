package io.toolguard.it.app;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Work a tool hands to other threads: each route runs a read of a file inside the sandbox and of
 * the secret outside it through that route, from inside the tool. Prints {@code HANDOFF route
 * inside=ok outside=denied} when the context followed the work, and {@code SHARED route ok} when
 * work that did not come from a tool ran unrestricted on a pool a tool used before.
 */
final class HandOffWork {

  /** A route: runs {@code work} on another thread and returns its result. */
  interface Route {
    String run(Callable<String> work) throws Exception;
  }

  private HandOffWork() {}

  static void run(Path inside, Path secret) throws Exception {
    ExecutorService createdBefore = Executors.newFixedThreadPool(2);
    ForkJoinPool forkJoinBefore = new ForkJoinPool(4);
    ScheduledExecutorService scheduledBefore = Executors.newScheduledThreadPool(1);
    Timer timerBefore = new Timer(true);
    Callable<String> insideRead = () -> read(inside.resolve("a.txt"));
    Callable<String> secretRead = () -> read(secret.resolve("s.txt"));
    List<Object[]> routes =
        List.of(
            new Object[] {
              "new Thread().start()",
              (Route)
                  work -> {
                    String[] result = new String[1];
                    Thread thread = new Thread(() -> result[0] = call(work));
                    thread.start();
                    thread.join();
                    return result[0];
                  }
            },
            new Object[] {
              "Thread subclass",
              (Route)
                  work -> {
                    String[] result = new String[1];
                    Thread thread =
                        new Thread() {
                          @Override
                          public void run() {
                            result[0] = call(work);
                          }
                        };
                    thread.start();
                    thread.join();
                    return result[0];
                  }
            },
            new Object[] {
              "pool created before: submit", (Route) work -> createdBefore.submit(work).get()
            },
            new Object[] {
              "pool created before: execute",
              (Route)
                  work -> {
                    FutureTask<String> task = new FutureTask<>(work);
                    createdBefore.execute(task);
                    return task.get();
                  }
            },
            new Object[] {
              "pool created before: invokeAll",
              (Route) work -> createdBefore.invokeAll(List.of(work)).get(0).get()
            },
            new Object[] {
              "pool created in the tool",
              (Route)
                  work -> {
                    ExecutorService pool = Executors.newSingleThreadExecutor();
                    try {
                      return pool.submit(work).get();
                    } finally {
                      pool.shutdown();
                    }
                  }
            },
            new Object[] {
              "scheduled executor: schedule",
              (Route) work -> scheduledBefore.schedule(work, 5, TimeUnit.MILLISECONDS).get()
            },
            new Object[] {
              "scheduled executor: schedule(Runnable)",
              (Route)
                  work -> {
                    CompletableFuture<String> result = new CompletableFuture<>();
                    scheduledBefore.schedule(
                        (Runnable) () -> result.complete(call(work)), 5, TimeUnit.MILLISECONDS);
                    return result.get();
                  }
            },
            new Object[] {
              "scheduled executor: scheduleAtFixedRate",
              (Route)
                  work -> {
                    CompletableFuture<String> first = new CompletableFuture<>();
                    ScheduledFuture<?> repeating =
                        scheduledBefore.scheduleAtFixedRate(
                            () -> first.complete(call(work)), 0, 50, TimeUnit.MILLISECONDS);
                    try {
                      return first.get();
                    } finally {
                      repeating.cancel(false);
                    }
                  }
            },
            new Object[] {
              "scheduled executor: scheduleWithFixedDelay",
              (Route)
                  work -> {
                    CompletableFuture<String> first = new CompletableFuture<>();
                    ScheduledFuture<?> repeating =
                        scheduledBefore.scheduleWithFixedDelay(
                            () -> first.complete(call(work)), 0, 50, TimeUnit.MILLISECONDS);
                    try {
                      return first.get();
                    } finally {
                      repeating.cancel(false);
                    }
                  }
            },
            new Object[] {
              "CompletableFuture.supplyAsync",
              (Route) work -> CompletableFuture.supplyAsync(() -> call(work)).get()
            },
            new Object[] {
              "CompletableFuture.supplyAsync(executor)",
              (Route) work -> CompletableFuture.supplyAsync(() -> call(work), createdBefore).get()
            },
            new Object[] {
              "ForkJoinPool.commonPool().submit",
              (Route) work -> ForkJoinPool.commonPool().submit(work).get()
            },
            new Object[] {
              "ForkJoinPool.commonPool().execute",
              (Route)
                  work -> {
                    FutureTask<String> task = new FutureTask<>(work);
                    ForkJoinPool.commonPool().execute(task);
                    return task.get();
                  }
            },
            // Waiting on a CompletableFuture, not on the fork/join task, so that this thread cannot
            // run the task itself.
            new Object[] {
              "ForkJoinPool.commonPool().submit(Runnable)",
              (Route)
                  work -> {
                    CompletableFuture<String> result = new CompletableFuture<>();
                    ForkJoinPool.commonPool().submit((Runnable) () -> result.complete(call(work)));
                    return result.get();
                  }
            },
            new Object[] {
              "ForkJoinPool.commonPool().submit(Runnable, result)",
              (Route)
                  work -> {
                    CompletableFuture<String> result = new CompletableFuture<>();
                    ForkJoinPool.commonPool().submit(() -> result.complete(call(work)), "done");
                    return result.get();
                  }
            },
            new Object[] {
              "parallel stream",
              (Route)
                  work ->
                      IntStream.range(0, 64)
                          .parallel()
                          .mapToObj(i -> call(work))
                          .distinct()
                          .sorted()
                          .collect(Collectors.joining("+"))
            },
            new Object[] {
              "RecursiveTask forking on the common pool",
              (Route)
                  work ->
                      ForkJoinPool.commonPool().invoke(new Splitting(16, work)).stream()
                          .distinct()
                          .sorted()
                          .collect(Collectors.joining("+"))
            },
            new Object[] {
              "RecursiveTask on a pool created before",
              (Route)
                  work ->
                      forkJoinBefore.invoke(new Splitting(16, work)).stream()
                          .distinct()
                          .sorted()
                          .collect(Collectors.joining("+"))
            },
            new Object[] {
              "java.util.Timer created in the tool",
              (Route)
                  work -> {
                    Timer timer = new Timer(true);
                    try {
                      return onTimer(timer, work);
                    } finally {
                      timer.cancel();
                    }
                  }
            },
            new Object[] {
              "java.util.Timer created before", (Route) work -> onTimer(timerBefore, work)
            },
            // A tool's own code, as an attacker who read toolguard's source writes it.
            new Object[] {
              "fork/join task whose hash code changes",
              (Route) work -> forkJoinBefore.submit(new Shifty(work, false)).get()
            },
            new Object[] {
              "fork/join task that says it is done",
              (Route) work -> forkJoinBefore.submit(new Shifty(work, true)).get()
            },
            new Object[] {
              "timer task whose hash code changes", (Route) work -> onTimer(timerBefore, work, "")
            },
            new Object[] {
              "timer task that says it is done",
              (Route) work -> onTimer(timerBefore, work, "timerTaskDone")
            },
            new Object[] {
              "timer task that says the next one runs",
              (Route) work -> onTimer(timerBefore, work, "timerTaskRunning")
            },
            new Object[] {
              "thread whose hash code changes",
              (Route)
                  work -> {
                    String[] result = new String[1];
                    Thread thread =
                        new Thread(() -> result[0] = call(work)) {
                          private int hashes;

                          @Override
                          public int hashCode() {
                            return ++hashes;
                          }

                          @Override
                          public boolean equals(Object other) {
                            return this == other;
                          }
                        };
                    thread.start();
                    thread.join();
                    return result[0];
                  }
            },
            new Object[] {"virtual thread", (Route) work -> onVirtualThread(work)},
            new Object[] {
              "virtual-thread-per-task executor",
              (Route)
                  work -> {
                    Method factory;
                    try {
                      factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
                    } catch (NoSuchMethodException before21) {
                      return "skipped";
                    }
                    ExecutorService executor = (ExecutorService) factory.invoke(null);
                    try {
                      return executor.submit(work).get();
                    } finally {
                      executor.shutdown();
                    }
                  }
            });
    for (Object[] route : routes) {
      String name = (String) route[0];
      Route how = (Route) route[1];
      String allowed = (String) FileRoutesApp.fs(() -> how.run(insideRead));
      String denied = (String) FileRoutesApp.fs(() -> how.run(secretRead));
      System.out.println("HANDOFF " + name + " inside=" + allowed + " outside=" + denied);
    }
    // Work a tool queued runs after the tool has returned: still in the tool's context.
    ScheduledFuture<String> later =
        (ScheduledFuture<String>)
            FileRoutesApp.fs(
                () -> scheduledBefore.schedule(secretRead, 300, TimeUnit.MILLISECONDS));
    System.out.println(
        "HANDOFF queued, run after the tool returned inside=ok outside=" + later.get());
    // The pools' workers were started inside tools; work that did not come from a tool is not
    // restricted.
    System.out.println("SHARED timer created before " + onTimer(timerBefore, secretRead));
    System.out.println("SHARED pool created before " + createdBefore.submit(secretRead).get());
    System.out.println(
        "SHARED scheduled executor "
            + scheduledBefore.schedule(secretRead, 1, TimeUnit.MILLISECONDS).get());
    System.out.println(
        "SHARED common pool " + CompletableFuture.supplyAsync(() -> call(secretRead)).get());
    System.out.println(
        "SHARED fork/join pool created before "
            + String.join(
                "+",
                forkJoinBefore.invoke(new Splitting(8, secretRead)).stream().distinct().toList()));
    createdBefore.shutdown();
    scheduledBefore.shutdown();
    forkJoinBefore.shutdown();
  }

  /** Splits itself in halves, forking one, down to single calls of the work. */
  private static final class Splitting extends RecursiveTask<List<String>> {
    private final int size;
    private final Callable<String> work;

    Splitting(int size, Callable<String> work) {
      this.size = size;
      this.work = work;
    }

    @Override
    protected List<String> compute() {
      if (size <= 1) {
        return List.of(call(work));
      }
      Splitting left = new Splitting(size / 2, work);
      left.fork();
      List<String> results =
          new java.util.ArrayList<>(new Splitting(size - size / 2, work).compute());
      results.addAll(left.join());
      return results;
    }
  }

  /**
   * Runs {@code work} as a task of {@code timer} whose hash code changes at every call, after the
   * task called toolguard's timer entry {@code entry} itself (if any, and if toolguard is there).
   */
  private static String onTimer(Timer timer, Callable<String> work, String entry) throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    timer.schedule(
        new TimerTask() {
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
          public void run() {
            if (!entry.isEmpty()) {
              callToolguard(entry, entry.equals("timerTaskRunning") ? null : NONE);
            }
            result.complete(call(work));
          }
        },
        5);
    return result.get();
  }

  private static final Object NONE = new Object();

  /**
   * Calls a public entry of toolguard's bootstrap class {@code HandOffs}, with {@code argument}
   * unless it is {@link #NONE}; without the agent there is none, and nothing happens.
   */
  static void callToolguard(String entry, Object argument) {
    Class<?> handOffs;
    try {
      handOffs = Class.forName("io.toolguard.bootstrap.HandOffs");
    } catch (ClassNotFoundException noAgent) {
      return;
    }
    try {
      if (argument == NONE) {
        handOffs.getMethod(entry).invoke(null);
      } else {
        handOffs.getMethod(entry, Object.class).invoke(null, argument);
      }
    } catch (ReflectiveOperationException failed) {
      throw new IllegalStateException(failed);
    }
  }

  /**
   * A fork/join task whose hash code changes at every call; {@code saysItIsDone} calls toolguard's
   * entry for a task that has ended, with itself, before the work.
   */
  @SuppressWarnings("serial")
  private static final class Shifty extends RecursiveTask<String> {
    private final Callable<String> work;
    private final boolean saysItIsDone;
    private int hashes;

    Shifty(Callable<String> work, boolean saysItIsDone) {
      this.work = work;
      this.saysItIsDone = saysItIsDone;
    }

    @Override
    public int hashCode() {
      return ++hashes;
    }

    @Override
    public boolean equals(Object other) {
      return this == other;
    }

    @Override
    protected String compute() {
      if (saysItIsDone) {
        callToolguard("forkJoinTaskDone", this);
      }
      return call(work);
    }
  }

  /** Runs {@code work} as a task of {@code timer}, once, and waits for it. */
  private static String onTimer(Timer timer, Callable<String> work) throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    timer.schedule(
        new TimerTask() {
          @Override
          public void run() {
            result.complete(call(work));
          }
        },
        5);
    return result.get();
  }

  private static String onVirtualThread(Callable<String> work) throws Exception {
    Method ofVirtual;
    try {
      ofVirtual = Thread.class.getMethod("ofVirtual");
    } catch (NoSuchMethodException before21) {
      return "skipped";
    }
    Object builder = ofVirtual.invoke(null);
    String[] result = new String[1];
    Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
    Thread thread = (Thread) start.invoke(builder, (Runnable) () -> result[0] = call(work));
    thread.join();
    return result[0];
  }

  /** {@return "ok" for a read that worked, "denied" for a denial, or what else happened} */
  private static String read(Path file) {
    try {
      Files.readString(file);
      return "ok";
    } catch (SecurityException denied) {
      return "denied";
    } catch (Exception failed) {
      return failed.toString();
    }
  }

  private static String call(Callable<String> work) {
    try {
      return work.call();
    } catch (Exception failed) {
      return failed.toString();
    }
  }
}
