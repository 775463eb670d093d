package io.toolguard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.guard.CallsRefused;
import io.toolguard.agent.threads.OwnThreads;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The policy-free half of the start-up: beside premain at JVM start, in turn when attached. */
class JdkWeavingTest {

  /** Steps that record where they ran, each released by the test, each failing if told to. */
  private static final class Recording implements JdkWeaving.Steps {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch defineMay = new CountDownLatch(1);
    final CountDownLatch weaveMay = new CountDownLatch(1);
    final CountDownLatch weaveEnded = new CountDownLatch(1);
    volatile Throwable defineFails;
    volatile Throwable weaveFails;
    volatile boolean trainingRun;

    /** Whether the weaving leaves a rest for after premain, released by the test. */
    volatile boolean leavesRest;

    final CountDownLatch restMay = new CountDownLatch(1);
    volatile RuntimeException restFails;
    volatile Error restErrs;

    /** Whether the guards are installed beside main ({@link JdkWeaving#besideMain}). */
    volatile boolean besideMain;

    @Override
    public boolean besideMain() {
      return besideMain;
    }

    /** Whether a class that must not run unwoven was defined so before main. */
    volatile boolean loopClassUnwoven;

    @Override
    public boolean mainMayRun() {
      calls.add("main may run");
      return loopClassUnwoven;
    }

    @Override
    public JdkWeaving.Bootstrap defineBootstrap(Instrumentation instrumentation)
        throws IOException {
      calls.add("define on " + Thread.currentThread().getName());
      await(defineMay);
      throwIfTold(defineFails);
      return new JdkWeaving.Bootstrap(true, trainingRun);
    }

    @Override
    public Runnable weave(Instrumentation instrumentation, boolean forkHere) {
      calls.add("weave on " + Thread.currentThread().getName() + ", fork " + forkHere);
      try {
        await(weaveMay);
        try {
          throwIfTold(weaveFails);
        } catch (IOException impossible) {
          throw new AssertionError(impossible);
        }
      } finally {
        weaveEnded.countDown();
      }
      if (!leavesRest) {
        return null;
      }
      return () -> {
        calls.add("rest on " + Thread.currentThread().getName());
        await(restMay);
        if (restFails != null) {
          throw restFails;
        }
        if (restErrs != null) {
          throw restErrs;
        }
      };
    }

    private static void throwIfTold(Throwable failure) throws IOException {
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failure instanceof Error error) {
        throw error;
      }
    }

    private static void await(CountDownLatch latch) {
      try {
        assertThat(latch.await(10, TimeUnit.SECONDS)).as("released by the test").isTrue();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void besideBothStepsRunOnADaemonThreadOfToolguardsAndPremainWaitsForEach() throws Exception {
    Recording steps = new Recording();
    AtomicReference<Thread> weaver = new AtomicReference<>();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals(JdkWeaving.THREAD)) {
        weaver.set(thread);
      }
    }
    assertThat(weaver.get()).as("the thread, waiting to define").isNotNull();
    assertThat(weaver.get().isDaemon()).isTrue();
    assertThat(OwnThreads.isOwn(weaver.get())).as("in toolguard's thread group").isTrue();

    AtomicReference<Boolean> fork = new AtomicReference<>();
    Thread premain = startThread(() -> fork.set(weaving.bootstrap().forkHere()));
    premain.join(200);
    assertThat(premain.isAlive()).as("premain waits for the bootstrap package").isTrue();
    steps.defineMay.countDown();
    premain.join(10_000);
    assertThat(fork.get()).isTrue();

    Thread waiting = startThread(weaving::woven);
    waiting.join(200);
    assertThat(waiting.isAlive()).as("premain waits for the weaving").isTrue();
    steps.weaveMay.countDown();
    waiting.join(10_000);
    assertThat(waiting.isAlive()).isFalse();

    assertThat(steps.calls)
        .containsExactly(
            "define on " + JdkWeaving.THREAD, "weave on " + JdkWeaving.THREAD + ", fork true");
  }

  @Test
  void aBootstrapThatCannotBeDefinedIsThrownAgainInPremainAndNothingIsWoven() throws Exception {
    Recording steps = new Recording();
    IOException unreadable = new IOException("the agent jar lacks the bootstrap package");
    steps.defineFails = unreadable;
    steps.defineMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);

    assertThatThrownBy(weaving::bootstrap).isSameAs(unreadable);
    assertThatThrownBy(weaving::woven).isSameAs(unreadable);
    assertThat(steps.calls).containsExactly("define on " + JdkWeaving.THREAD);
  }

  @Test
  void aWeavingFailureIsThrownAgainInPremainWhenItWaitsForTheWeaving() throws Exception {
    Recording steps = new Recording();
    IllegalStateException notWoven =
        new IllegalStateException("toolguard could not weave its checks into this JDK");
    steps.weaveFails = notWoven;
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);

    assertThat(weaving.bootstrap().forkHere()).isTrue();
    assertThatThrownBy(weaving::woven).isSameAs(notWoven);
  }

  @Test
  void anErrorOnTheThreadRefusesTheStartNamingIt() throws Exception {
    Recording steps = new Recording();
    steps.weaveFails = new OutOfMemoryError("Java heap space");
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);

    assertThatThrownBy(weaving::woven)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "toolguard failed while it wove its checks into the JDK (java.lang.OutOfMemoryError:"
                + " Java heap space); tools would go unchecked, so the JVM is not started")
        .hasCauseInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void aLinkageErrorOnTheThreadIsThrownAgainAsItWas() throws Exception {
    Recording steps = new Recording();
    NoClassDefFoundError missing = new NoClassDefFoundError("jdk/internal/misc/Unsafe");
    steps.defineFails = missing;
    steps.defineMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);

    assertThatThrownBy(weaving::bootstrap).isSameAs(missing);
  }

  @Test
  void whatTheWeavingLeavesIsWovenAfterPremainOnTheThreadAndToolCallsWaitForIt() throws Exception {
    Recording steps = new Recording();
    steps.leavesRest = true;
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);
    AtomicReference<String> answered = new AtomicReference<>("not asked");
    CallsRefused refused = weaving.refusedUntilWoven(CallsRefused.always("the kernel's answer"));

    weaving.woven();
    Thread toolCall = startThread(() -> answered.set(refused.why()));
    toolCall.join(200);
    assertThat(toolCall.isAlive()).as("a tool call waits for the rest").isTrue();
    assertThat(answered.get()).isEqualTo("not asked");
    steps.restMay.countDown();
    toolCall.join(10_000);

    assertThat(answered.get())
        .as("then asks what it asked before")
        .isEqualTo("the kernel's answer");
    assertThat(weaving.restRefusal()).isNull();
    assertThat(steps.calls)
        .containsExactly(
            "define on " + JdkWeaving.THREAD,
            "weave on " + JdkWeaving.THREAD + ", fork true",
            "rest on " + JdkWeaving.THREAD);
  }

  @Test
  void aRestThatCannotBeWovenRefusesEveryToolCallNamingWhyButLetsMainRun() throws Exception {
    Recording steps = new Recording();
    steps.leavesRest = true;
    steps.restFails =
        new IllegalStateException(
            "toolguard could not weave its checks into this JDK (17): java/net/ServerSocket:"
                + " java.lang.ClassFormatError; not woven: . Tools would go unchecked, so every"
                + " tool call is refused");
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    steps.restMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);

    weaving.woven();
    CallsRefused refused = weaving.refusedUntilWoven(CallsRefused.NEVER);
    assertThat(refused.why()).isEqualTo(steps.restFails.getMessage());
    assertThat(refused.why()).as("for good").isEqualTo(steps.restFails.getMessage());
  }

  @Test
  void anErrorWhileTheRestIsWovenRefusesEveryToolCallNamingIt() throws Exception {
    Recording steps = new Recording();
    steps.leavesRest = true;
    steps.restErrs = new OutOfMemoryError("Java heap space");
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    steps.restMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);

    weaving.woven();
    assertThat(weaving.refusedUntilWoven(CallsRefused.NEVER).why())
        .isEqualTo(
            "toolguard failed while it wove its checks into the JDK (java.lang.OutOfMemoryError:"
                + " Java heap space); tools would go unchecked, so every tool call is refused");
  }

  @Test
  void besideMainTheWeavingWaitsForPremainThenRunsWhatItWasGivenThenTheRest() throws Exception {
    Recording steps = new Recording();
    steps.besideMain = true;
    steps.leavesRest = true;
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    steps.restMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);
    weaving.bootstrap();
    assertThat(weaving.besideMain()).isTrue();
    weaving.besideMainThen(() -> steps.calls.add("guards on " + Thread.currentThread().getName()));

    Thread.sleep(200);
    assertThat(steps.calls)
        .as("the weaving leaves the processor to premain until it is about to return")
        .containsExactly("define on " + JdkWeaving.THREAD);
    weaving.mainMayRun();
    assertThat(weaving.wovenRefusal()).isNull();
    CallsRefused refused = weaving.refusedUntilWoven(CallsRefused.NEVER);
    assertThat(refused.why()).isNull();

    assertThat(steps.calls)
        .containsExactly(
            "define on " + JdkWeaving.THREAD,
            "main may run",
            "weave on " + JdkWeaving.THREAD + ", fork true",
            "guards on " + JdkWeaving.THREAD,
            "rest on " + JdkWeaving.THREAD);
  }

  @Test
  void besideMainAWeavingThatFailsStillInstallsTheGuardsAndRefusesEveryToolCall() throws Exception {
    Recording steps = new Recording();
    steps.besideMain = true;
    steps.leavesRest = true;
    steps.weaveFails =
        new IllegalStateException(
            "toolguard could not weave its checks into this JDK (17): java/util/TimerThread:"
                + " java.lang.ClassFormatError; not woven: . Tools would go unchecked, so every"
                + " tool call is refused");
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);
    weaving.bootstrap();
    CountDownLatch guarded = new CountDownLatch(1);
    weaving.besideMainThen(
        () -> {
          steps.calls.add("guards");
          guarded.countDown();
        });
    weaving.mainMayRun();

    assertThat(weaving.wovenRefusal()).isEqualTo(steps.weaveFails.getMessage());
    CallsRefused refused = weaving.refusedUntilWoven(CallsRefused.NEVER);
    assertThat(refused.why()).isEqualTo(steps.weaveFails.getMessage());
    assertThat(refused.why()).as("for good").isEqualTo(steps.weaveFails.getMessage());
    // The guards are installed after the weaving settles, on its thread.
    assertThat(guarded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(steps.calls).contains("guards").noneMatch(call -> call.startsWith("rest"));
  }

  @Test
  void besideMainPremainStillWaitsForTheWeavingWhereALoopClassWasDefinedUnwoven() throws Exception {
    Recording steps = new Recording();
    steps.besideMain = true;
    steps.loopClassUnwoven = true;
    steps.defineMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);
    weaving.bootstrap();
    weaving.besideMainThen(() -> steps.calls.add("guards"));

    Thread premainEnd = startThread(weaving::mainMayRun);
    premainEnd.join(300);
    assertThat(premainEnd.isAlive()).as("premain waits for the weaving").isTrue();
    steps.weaveMay.countDown();
    premainEnd.join(10_000);
    assertThat(premainEnd.isAlive()).isFalse();
    assertThat(steps.calls).contains("weave on " + JdkWeaving.THREAD + ", fork true");
  }

  @Test
  void notBesideMainPremainWaitsForTheWeavingAsBefore() throws Exception {
    Recording steps = new Recording();
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    JdkWeaving weaving = JdkWeaving.beside(null, steps);
    weaving.bootstrap();
    assertThat(weaving.besideMain()).isFalse();

    weaving.woven();
    weaving.mainMayRun();
    assertThat(steps.calls).doesNotContain("main may run");
  }

  @Test
  void inTurnTheRestIsWovenBeforeTheWeavingReturnsAndToolCallsDoNotWait() throws Exception {
    Recording steps = new Recording();
    steps.leavesRest = true;
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    steps.restMay.countDown();
    JdkWeaving weaving = JdkWeaving.inTurn(null, steps);
    String me = Thread.currentThread().getName();

    weaving.woven();

    assertThat(steps.calls)
        .containsExactly("define on " + me, "weave on " + me + ", fork true", "rest on " + me);
    CallsRefused kernel = CallsRefused.always("the kernel's answer");
    assertThat(weaving.refusedUntilWoven(kernel)).isSameAs(kernel);
  }

  @Test
  void inTurnEachStepRunsOnceOnTheAskingThreadWhenAskedFor() throws Exception {
    Recording steps = new Recording();
    steps.defineMay.countDown();
    steps.weaveMay.countDown();
    JdkWeaving weaving = JdkWeaving.inTurn(null, steps);
    String me = Thread.currentThread().getName();

    assertThat(steps.calls).isEmpty();
    assertThat(weaving.bootstrap().forkHere()).isTrue();
    assertThat(weaving.bootstrap().forkHere()).isTrue();
    assertThat(steps.calls).containsExactly("define on " + me);
    weaving.woven();
    weaving.woven();

    assertThat(steps.calls).containsExactly("define on " + me, "weave on " + me + ", fork true");
  }

  @Test
  void inATrainingRunTheJdkIsNotWovenBesideOrInTurn() throws Exception {
    for (boolean beside : new boolean[] {true, false}) {
      Recording steps = new Recording();
      steps.trainingRun = true;
      steps.defineMay.countDown();
      steps.weaveMay.countDown();
      JdkWeaving weaving = beside ? JdkWeaving.beside(null, steps) : JdkWeaving.inTurn(null, steps);

      assertThat(weaving.bootstrap().trainingRun()).isTrue();
      weaving.woven();
      weaving.woven();

      assertThat(steps.calls).hasSize(1).allMatch(call -> call.startsWith("define on "));
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private static Thread startThread(Work work) {
    Thread thread =
        new Thread(
            () -> {
              try {
                work.run();
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    thread.start();
    return thread;
  }
}
