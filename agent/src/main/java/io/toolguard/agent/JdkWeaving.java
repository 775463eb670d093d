package io.toolguard.agent;

import io.toolguard.agent.born.BornClasses;
import io.toolguard.agent.env.EnvHooks;
import io.toolguard.agent.exec.ExecHooks;
import io.toolguard.agent.file.FileHooks;
import io.toolguard.agent.file.ProviderClassFiles;
import io.toolguard.agent.guard.CallsRefused;
import io.toolguard.agent.handoff.HandOffHooks;
import io.toolguard.agent.jvm.JvmHooks;
import io.toolguard.agent.net.NetHooks;
import io.toolguard.agent.net.PoolHooks;
import io.toolguard.agent.sandbox.ExecSandboxes;
import io.toolguard.agent.threads.OwnThreads;
import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.JdkWeaver;
import io.toolguard.agent.weave.WovenJdkCache;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The half of the start-up that needs no policy: the bootstrap package defined, the JDK's process
 * fork readied, the hook tables built and the JDK woven. At JVM start it runs on a thread of its
 * own ({@link #beside}), started before anything else, while {@code premain} reads the policy,
 * opens the audit log, starts the approval channels and builds the guards: on a machine with a
 * second core the two halves overlap, and beside {@code main} the weaving goes on after {@code
 * premain}. The woven JDK file, and the class files of the file system provider, are read meanwhile
 * on a third, short-lived thread ({@link #READER}), beside the bootstrap package's definition. What
 * the weaving leaves for later (the hooked classes not loaded yet, see {@link JdkWeaver.Rest}) the
 * same thread weaves once the application loads its first class with tools, or a tool call comes;
 * every tool call waits for it ({@link #refusedUntilWoven}), and an application that never loads a
 * tool never pays for it. Attached to a running JVM it runs in turn, on the attaching thread
 * ({@link #inTurn}), as an attach that fails must leave the JVM as it was.
 *
 * <p>Beside {@code main} ({@link #besideMain}: at a JVM start where an earlier one kept the JDK as
 * woven, without a security manager), the hook tables and the weaving wait until {@code premain} is
 * about to return, so as not to take the processor from it, and then run while {@code main} does,
 * followed on the same thread by the guards {@code premain} left ({@link #besideMainThen}); a tool
 * call waits in the dispatcher for those. The JDK's transformer is installed right after the
 * bootstrap package ({@link JdkWeaver#early}): a class of {@link JdkWeaver#LOOP_CLASSES} that
 * {@code main} loads before the hook tables are built waits for them, and every other hooked class
 * it loads meanwhile is defined unwoven and retransformed before any tool runs, as those loaded
 * before {@code premain} are. A weaving that fails then refuses every tool call, and says so once,
 * rather than the start, as {@code main} runs already.
 *
 * <p>What keeps it safe. {@code premain} waits for the bootstrap package ({@link #bootstrap})
 * before it loads anything that refers to it (a guard loaded first would bring a second copy of the
 * package in through the application's loader), and, unless beside {@code main}, for the weaving
 * ({@link #woven}) before it installs the guards in {@code Dispatcher}: every hooked class loaded
 * by then is woven, and every one loaded from then on is woven as it loads; no tool runs before the
 * guards are installed, nor before what was left is woven too ({@link #refusedUntilWoven}). JDK
 * code woven before the guards are installed finds no tool frame on any thread (only a tool call,
 * which needs the guards, makes one) and so never asks for them. Whatever goes wrong on the thread
 * before {@code main}, an {@link Error} too, is kept and thrown again in {@code premain}, which
 * refuses the start with its one message; what goes wrong weaving what was left refuses every tool
 * call, and the thread says so once on stderr. A refusal of {@code premain}'s own (an invalid
 * policy) does not wait for the thread: the JVM exits, and the thread, a daemon, with it.
 */
final class JdkWeaving {

  /** The two steps, in order; a unit test gives its own. */
  interface Steps {

    /**
     * Defines the bootstrap package and readies the process fork (not in a training run).
     *
     * @return what the JDK's weaving then is to do
     */
    Bootstrap defineBootstrap(Instrumentation instrumentation) throws IOException;

    /**
     * Builds the hook tables and weaves the JDK.
     *
     * @return what is left to weave once {@code main} may run, and before any tool may (null for
     *     nothing)
     */
    Runnable weave(Instrumentation instrumentation, boolean forkHere);

    /**
     * {@return whether, once the bootstrap package is defined, the guards may be installed beside
     * {@code main} ({@link JdkWeaving#besideMain})}
     */
    default boolean besideMain() {
      return false;
    }

    /**
     * {@code premain} is about to return, where {@link #besideMain}.
     *
     * @return whether {@code main} must wait for the weaving all the same (a class that must not
     *     run unwoven was defined so)
     */
    default boolean mainMayRun() {
      return false;
    }
  }

  /**
   * What defining the bootstrap package found out.
   *
   * @param forkHere whether the process fork can be woven (Linux)
   * @param trainingRun whether this JVM writes a CDS archive or an AOT cache when it ends, where
   *     the JDK is not woven at all (see {@link Guards#TRAINING_RUN})
   */
  record Bootstrap(boolean forkHere, boolean trainingRun) {}

  /** The name of the thread, as {@code jstack} shows it. */
  static final String THREAD = "toolguard-jdk-weaver";

  /** The name of the thread that reads the woven JDK file meanwhile. */
  static final String READER = "toolguard-woven-jdk-reader";

  private final Instrumentation instrumentation;
  private final Steps steps;

  /** The thread, or null when the steps run in turn. */
  private final Thread thread;

  private final Object lock = new Object();

  /** Held while why no tool may run is said ({@link #sayNotWoven}); true once it was. */
  private final Object saying = new Object();

  private boolean notWovenSaid;

  /** Guarded by {@link #lock}: whether the first step is over, and if so how. */
  private boolean defined;

  private Bootstrap bootstrap;

  /** Guarded by {@link #lock}: what the first step met, or null. */
  private Throwable defineFailure;

  /** Guarded by {@link #lock}: what the second step met, or null. */
  private Throwable weaveFailure;

  /** What the second step left, or null; set before it settles. */
  private volatile Runnable rest;

  /** Guarded by {@link #lock}: whether the second step is over, and if so how. */
  private boolean wovenSettled;

  /**
   * Guarded by {@link #lock}: whether what the second step left is to be woven now: a class with
   * tools was woven, or a tool call came.
   */
  private boolean restWanted;

  /** Guarded by {@link #lock}: what runs once the second step is over, beside {@code main}. */
  private Runnable then;

  /** Guarded by {@link #lock}: whether what the second step left is woven, or could not be. */
  private boolean restSettled;

  /** Guarded by {@link #lock}: why what the second step left could not be woven, or null. */
  private Throwable restFailure;

  private static final String ENDED =
      "toolguard's thread that weaves the JDK ended before it was done (stopped from outside?),"
          + " so the JVM is not started";

  private static final String REST_ENDED =
      "toolguard's thread that weaves the JDK ended before it was done (stopped from outside?),"
          + " so every tool call is refused";

  /** Whether the steps of {@link #inTurn} ran. */
  private boolean definedInTurn;

  private boolean wovenInTurn;

  private JdkWeaving(Instrumentation instrumentation, Steps steps, boolean beside) {
    this.instrumentation = instrumentation;
    this.steps = steps;
    this.thread = beside ? OwnThreads.daemon(new Run(this), THREAD) : null;
  }

  /** At JVM start: starts both steps on a thread of their own. */
  static JdkWeaving beside(Instrumentation instrumentation) {
    return beside(
        instrumentation, new JdkSteps(!"off".equals(System.getProperty(WovenJdkCache.SWITCH))));
  }

  static JdkWeaving beside(Instrumentation instrumentation, Steps steps) {
    JdkWeaving weaving = new JdkWeaving(instrumentation, steps, true);
    weaving.thread.start();
    return weaving;
  }

  /** Attached: each step runs when it is asked for, on the asking thread. */
  static JdkWeaving inTurn(Instrumentation instrumentation) {
    return inTurn(instrumentation, new JdkSteps(false));
  }

  static JdkWeaving inTurn(Instrumentation instrumentation, Steps steps) {
    return new JdkWeaving(instrumentation, steps, false);
  }

  /**
   * Waits until the bootstrap package is defined (in turn: defines it), the first step of all.
   *
   * @return what defining it found out
   * @throws IOException if the agent jar cannot be read (thrown again from the thread)
   * @throws IllegalStateException if the step failed otherwise, or with an {@link Error} other than
   *     a {@link LinkageError}
   */
  Bootstrap bootstrap() throws IOException {
    if (thread == null) {
      if (!definedInTurn) {
        bootstrap = steps.defineBootstrap(instrumentation);
        definedInTurn = true;
      }
      return bootstrap;
    }
    awaitSettled(DEFINED);
    Throwable failed;
    Bootstrap found;
    synchronized (lock) {
      failed = defined ? defineFailure : new IllegalStateException(ENDED);
      found = bootstrap;
    }
    if (failed != null) {
      throw carried(failed);
    }
    return found;
  }

  /**
   * Waits until the JDK is woven (in turn: builds the hook tables and weaves it), after {@link
   * #bootstrap}; in a training run, nothing is woven.
   *
   * @throws IOException if the agent jar could not be read (thrown again from the thread)
   * @throws IllegalStateException naming what could not be woven, or the {@link Error} the thread
   *     met
   */
  void woven() throws IOException {
    Bootstrap found = bootstrap();
    if (thread == null) {
      if (!wovenInTurn && !found.trainingRun()) {
        Runnable rest = steps.weave(instrumentation, found.forkHere());
        if (rest != null) {
          rest.run();
        }
        wovenInTurn = true;
      }
      return;
    }
    awaitSettled(WOVEN);
    Throwable failed;
    boolean done;
    synchronized (lock) {
      failed = weaveFailure;
      done = wovenSettled && failed == null;
    }
    if (failed != null) {
      throw carried(failed);
    }
    if (!done) {
      throw new IllegalStateException(ENDED);
    }
  }

  /**
   * {@return whether {@code premain} may leave the JDK's weaving and the guards to be installed
   * beside {@code main}}, asked after {@link #bootstrap}: at JVM start, unless {@code
   * -Dtoolguard.woven_jdk=off} or a security manager is asked for. Then the JDK's transformer is in
   * place already, and holds back any class that must not be defined unwoven until it can weave it;
   * every other hooked class {@code main} loads meanwhile is retransformed before any tool runs,
   * and every tool call waits for the guards. A weaving that fails then refuses every tool call
   * ({@link #wovenRefusal}) rather than the start.
   */
  boolean besideMain() {
    return thread != null && steps.besideMain();
  }

  /**
   * {@return why no tool may run as the weaving went, or null once it is done}: waits for it, and
   * names what could not be woven (where the guards are installed {@link #besideMain})
   */
  String wovenRefusal() {
    if (thread == null) {
      return null;
    }
    awaitSettled(WOVEN);
    Throwable failed;
    boolean done;
    synchronized (lock) {
      failed = defined ? defineFailure : null;
      if (failed == null) {
        failed = weaveFailure;
      }
      done = wovenSettled;
    }
    if (failed != null) {
      return refusal(failed);
    }
    return done ? null : REST_ENDED;
  }

  /**
   * Says {@code why} no tool may run as the weaving went ({@link #wovenRefusal}, {@link
   * #restRefusal}), once, on the process's standard error: by toolguard's thread (that installs the
   * guards beside {@code main}, or wove what was left), or by the first tool call refused,
   * whichever comes first. A refused call returns only once it is said, so that an application that
   * ends right after does not end before the word.
   */
  void sayNotWoven(String why) {
    if (why == null) {
      return;
    }
    synchronized (saying) {
      if (!notWovenSaid) {
        notWovenSaid = true;
        OwnThreads.say("toolguard: " + why);
      }
    }
  }

  /**
   * {@code premain} is over: keeps what was woven afresh for the next start (at JVM start, where
   * the weaving left classes for later).
   */
  void premainDone() {
    if (rest instanceof JdkWeaver.Rest left) {
      try {
        left.premainDone();
      } catch (RuntimeException | VirtualMachineError notKept) {
        // The next start weaves those classes again.
      }
    }
  }

  /**
   * {@return why no tool may run, or null}: waits until what the weaving left for after {@code
   * premain} is woven (at once in turn, where nothing is left), and names what could not be
   */
  String restRefusal() {
    if (thread == null) {
      return null;
    }
    if (Thread.currentThread() == thread) {
      // A tool called from the weaving itself (by another agent's transformer, say) would wait
      // for its own thread for ever.
      return "a tool was called while toolguard wove its checks into the JDK, so it was refused";
    }
    String notWoven = wovenRefusal();
    if (notWoven != null) {
      sayNotWoven(notWoven);
      return notWoven;
    }
    restWanted();
    awaitSettled(REST);
    Throwable failed;
    boolean done;
    synchronized (lock) {
      done = restSettled;
      failed = restFailure;
    }
    if (!done) {
      return REST_ENDED;
    }
    if (failed == null) {
      return null;
    }
    String why = refusal(failed);
    sayNotWoven(why);
    return why;
  }

  /** {@return why no tool may run, as {@code failed} weaving what was left says it} */
  private static String refusal(Throwable failed) {
    return failed instanceof IllegalStateException notWoven && notWoven.getMessage() != null
        ? notWoven.getMessage()
        : failedWhileWeaving(failed, "so every tool call is refused");
  }

  /** {@return that {@code failed} met the weaving, and what follows} */
  private static String failedWhileWeaving(Throwable failed, String consequence) {
    return "toolguard failed while it wove its checks into the JDK ("
        + failed
        + "); tools would go unchecked, "
        + consequence;
  }

  /**
   * {@return {@code then}, asked once what the weaving left is woven}: every tool call waits for
   * that first, and is refused if it could not be
   */
  CallsRefused refusedUntilWoven(CallsRefused then) {
    return thread == null ? then : new UntilWoven(this, then);
  }

  /** Not a lambda: made at start-up, where a lambda costs its own classes. */
  private static final class UntilWoven implements CallsRefused {
    private final JdkWeaving weaving;
    private final CallsRefused then;

    UntilWoven(JdkWeaving weaving, CallsRefused then) {
      this.weaving = weaving;
      this.then = then;
    }

    @Override
    public String why() {
      String notWoven = weaving.restRefusal();
      return notWoven != null ? notWoven : then.why();
    }

    @Override
    public void toolsAhead() {
      weaving.restWanted();
      then.toolsAhead();
    }
  }

  private static final int DEFINED = 0;
  private static final int WOVEN = 1;
  private static final int REST = 2;

  /**
   * Waits until step {@code which} ({@link #DEFINED}, {@link #WOVEN}, {@link #REST}) is over, or
   * the thread died; an interrupt meanwhile is kept for later.
   */
  private void awaitSettled(int which) {
    boolean interrupted = false;
    synchronized (lock) {
      while (!settled(which) && thread.isAlive()) {
        try {
          // Woken when the step ends; and looks again now and then, should the thread have died
          // without a word (an error thrown into it from outside, by another agent).
          lock.wait(100);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Guarded by {@link #lock}. */
  private boolean settled(int which) {
    return which == DEFINED ? defined : which == WOVEN ? wovenSettled : restSettled;
  }

  /** The thread's work: both steps, each failure kept for {@code premain}. */
  private void run() {
    Bootstrap found;
    try {
      found = steps.defineBootstrap(instrumentation);
    } catch (Throwable failed) {
      settle(null, failed);
      return;
    }
    settle(found, null);
    Runnable rest = null;
    Throwable weaveFailed = null;
    Runnable then = steps.besideMain() ? awaitThen() : null;
    if (!found.trainingRun()) {
      try {
        rest = steps.weave(instrumentation, found.forkHere());
      } catch (Throwable failed) {
        weaveFailed = failed;
      }
    }
    this.rest = rest;
    settleWoven(weaveFailed);
    if (then != null) {
      try {
        then.run();
      } catch (Throwable failed) {
        // The guards' own: they say what failed, and a tool call meets the dispatcher without them.
      }
    }
    if (weaveFailed != null) {
      return;
    }
    Throwable restFailed = null;
    if (rest != null) {
      try {
        awaitRestWanted();
        rest.run();
      } catch (Throwable failed) {
        restFailed = failed;
      }
    }
    synchronized (lock) {
      restFailure = restFailed;
      restSettled = true;
      lock.notifyAll();
    }
    if (restFailed != null) {
      // Said at once, not only to the first tool call refused (which says it if it comes first).
      sayNotWoven(refusal(restFailed));
    }
  }

  /**
   * Beside {@code main} ({@link #besideMain}): {@code guards} is to run on the weaving's thread
   * once the JDK is woven, or its weaving failed, and before what it left is woven. The weaving
   * waits for {@link #mainMayRun} first, so as not to take the processor from {@code premain}.
   */
  void besideMainThen(Runnable guards) {
    synchronized (lock) {
      pendingThen = guards;
    }
  }

  /** Guarded by {@link #lock}: what {@link #besideMainThen} was given. */
  private Runnable pendingThen;

  /**
   * {@code premain} is about to return. Beside {@code main}: the weaving goes on, then what {@link
   * #besideMainThen} gave, and from now on a thread that loads a class that must not be defined
   * unwoven waits for the hooks; where one was defined unwoven before (an AOT cache's, another
   * agent's timer), this waits for the weaving, which retransforms it, so that {@code main} starts
   * no timer whose loop stays unwoven. Else: keeps what was woven afresh for the next start ({@link
   * #premainDone}).
   */
  void mainMayRun() {
    if (!besideMain()) {
      premainDone();
      return;
    }
    boolean weaveFirst = steps.mainMayRun();
    synchronized (lock) {
      then = pendingThen != null ? pendingThen : new NothingMore();
      lock.notifyAll();
    }
    if (weaveFirst) {
      // A failure refuses every tool call, as beside main.
      awaitSettled(WOVEN);
    }
  }

  /** What runs after the weaving when nothing was given; a class, as a lambda is spun. */
  private static final class NothingMore implements Runnable {
    @Override
    public void run() {}
  }

  /** {@return the thread the steps run on, or null when they run in turn} */
  Thread thread() {
    return thread;
  }

  /** Waits until {@code premain} is about to return ({@link #mainMayRun}). */
  private Runnable awaitThen() {
    synchronized (lock) {
      while (then == null) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          // Only premain ends the wait: it gets to mainMayRun, or stops the JVM.
        }
      }
      return then;
    }
  }

  /** A class with tools was woven: what the second step left is woven now, without waiting. */
  private void restWanted() {
    synchronized (lock) {
      restWanted = true;
      lock.notifyAll();
    }
  }

  /**
   * Waits until what the second step left is wanted: an application that never loads a class with
   * tools never pays for it.
   */
  private void awaitRestWanted() {
    synchronized (lock) {
      while (!restWanted) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          // Only a tool's class or call ends the wait; an interrupt from elsewhere does not.
        }
      }
    }
  }

  private void settleWoven(Throwable failed) {
    synchronized (lock) {
      weaveFailure = failed;
      wovenSettled = true;
      lock.notifyAll();
    }
  }

  private void settle(Bootstrap found, Throwable failed) {
    synchronized (lock) {
      bootstrap = found;
      defineFailure = failed;
      defined = true;
      lock.notifyAll();
    }
  }

  /**
   * {@return what the thread met, to throw again in {@code premain}}: what {@code Startup} words
   * itself as is, any other {@link Error} as a refusal that names it
   */
  private static RuntimeException carried(Throwable failed) throws IOException {
    if (failed instanceof IOException unreadable) {
      throw unreadable;
    }
    if (failed instanceof RuntimeException problem) {
      return problem;
    }
    if (failed instanceof LinkageError linkage) {
      throw linkage;
    }
    return new IllegalStateException(
        failedWhileWeaving(failed, "so the JVM is not started"), failed);
  }

  /** Not a lambda: the thread starts before anything else, and a lambda costs its own classes. */
  private static final class Run implements Runnable {
    private final JdkWeaving weaving;

    Run(JdkWeaving weaving) {
      this.weaving = weaving;
    }

    @Override
    public void run() {
      weaving.run();
    }
  }

  /** The real steps. */
  private static final class JdkSteps implements Steps {

    /**
     * Whether the JDK's classes as woven at an earlier start are used and kept: at JVM start, where
     * the file is written before any tool can run, unless {@code -Dtoolguard.woven_jdk=off}; not
     * when attached to a running JVM.
     */
    private final boolean keep;

    /**
     * The woven JDK file, opened on a thread of its own while this one defines the bootstrap
     * package: the file refers to nothing of that package, and reading and checking its 1.3 MB was
     * 14 ms of this thread, for which {@code main} waited.
     */
    private final FutureTask<WovenJdkCache> cache = new FutureTask<>(new OpenCache());

    /**
     * The file system provider's class files, read on the same thread before the woven JDK file:
     * the first read from the JDK's image was 6 ms of this thread ({@link ProviderClassFiles}).
     */
    private final FutureTask<ProviderClassFiles> provider =
        new FutureTask<>(new ReadProviderClassFiles());

    /**
     * The JDK's transformer, installed once the bootstrap package is defined where the guards are
     * installed beside {@code main}, else null; set before that step settles.
     */
    private JdkWeaver early;

    JdkSteps(boolean keep) {
      this.keep = keep;
    }

    @Override
    public boolean besideMain() {
      return early != null;
    }

    @Override
    public boolean mainMayRun() {
      return early.premainOver();
    }

    @Override
    public Bootstrap defineBootstrap(Instrumentation instrumentation) throws IOException {
      if (keep) {
        try {
          OwnThreads.daemon(new ReadAhead(cache, provider), READER).start();
        } catch (OutOfMemoryError noThread) {
          // No thread to be had: this one reads them in turn (awaited()).
        }
      }
      if (BootstrapJar.define(instrumentation)) {
        return new Bootstrap(false, true);
      }
      Bootstrap found = new Bootstrap(ExecSandboxes.prepare(instrumentation), false);
      // Beside main only where an earlier start kept the JDK as woven: a first start weaves and
      // keeps it before main, or an application that ends at once would never have it kept.
      if (keep
          && JdkWeaver.noSecurityManagerAhead()
          && awaited(cache, WovenJdkCache.NONE).holdsAny()) {
        early = JdkWeaver.early(instrumentation);
      }
      return found;
    }

    @Override
    public Runnable weave(Instrumentation instrumentation, boolean forkHere) {
      JdkWeaver.Rest rest;
      try {
        Map<String, List<Hook>>[] hooks;
        WovenJdkCache kept;
        try {
          hooks = hookTables(forkHere);
          kept = keep ? awaited(cache, WovenJdkCache.NONE) : WovenJdkCache.NONE;
        } catch (Throwable failed) {
          if (early != null) {
            early.releaseLoopClasses();
          }
          throw failed;
        }
        rest =
            early == null
                ? JdkWeaver.install(instrumentation, kept, hooks)
                : early.installEarly(instrumentation, kept, hooks);
      } catch (SecurityException forbidden) {
        // Beside main, a security manager the application installed there forbade it.
        if (early == null) {
          throw forbidden;
        }
        throw JdkWeaver.forbiddenAfterMain(forbidden);
      }
      return rest == JdkWeaver.Rest.NONE ? null : rest;
    }

    @SuppressWarnings("unchecked")
    private Map<String, List<Hook>>[] hookTables(boolean forkHere) {
      return new Map[] {
        FileHooks.forThisJvm(providerClassFiles()),
        HandOffHooks.forThisJvm(),
        JvmHooks.forThisJvm(),
        ExecHooks.forThisJvm(forkHere),
        NetHooks.forThisJvm(),
        PoolHooks.forThisJvm(),
        EnvHooks.forThisJvm(),
        BornClasses.forThisJvm()
      };
    }

    /** {@return the provider's class files as the reading thread read them, else read here} */
    private ProviderClassFiles providerClassFiles() {
      ProviderClassFiles read = keep ? awaited(provider, null) : null;
      return read != null ? read : ProviderClassFiles.read();
    }

    /**
     * {@return what {@code task} came to on the reading thread, or on this one if that thread had
     * not begun it}, waited for however often this thread is interrupted meanwhile (interrupted
     * again afterwards); {@code failed} if it threw (the woven JDK file: {@link WovenJdkCache#open}
     * itself answers for any file it cannot use)
     */
    private static <T> T awaited(FutureTask<T> task, T failed) {
      // Runs it here if its thread has not begun it (or could not be started); else does nothing.
      task.run();
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return task.get();
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException threw) {
            return failed;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * The reading thread's work: the foreign-ABI class first, which {@code premain}'s own thread
     * needs later and would otherwise wait for, then the rest in the order the weaving needs it:
     * the file, whether the weaving may run beside {@code main}, once the bootstrap package is
     * defined; the provider's class files, for the hook tables (the weaving reads what this has not
     * begun yet itself, {@link #awaited}).
     */
    private static final class ReadAhead implements Runnable {
      private final FutureTask<WovenJdkCache> cache;
      private final FutureTask<ProviderClassFiles> provider;

      ReadAhead(FutureTask<WovenJdkCache> cache, FutureTask<ProviderClassFiles> provider) {
        this.cache = cache;
        this.provider = provider;
      }

      @Override
      public void run() {
        cache.run();
        settleForeignAbi();
        provider.run();
      }

      /**
       * Sets up the JDK's class that fixes the foreign function API's calling convention (JDK 22+)
       * from its system property, before {@code premain}'s own thread asks for it ({@code
       * KernelSandbox.readSwitches}, which does it itself if this has not): fixed before {@code
       * main}, the property cannot be set to make the kernel sandbox answer "unavailable". The
       * class's set-up was 14 ms of {@code premain}'s thread on JDK 25. It names nothing of the
       * bootstrap package, which is not defined yet here.
       */
      private static void settleForeignAbi() {
        if (Runtime.version().feature() >= 22) {
          try {
            Class.forName("jdk.internal.foreign.CABI", true, null);
          } catch (ClassNotFoundException | LinkageError | RuntimeException unknown) {
            // readSwitches meets the same, and the probe fails closed
          }
        }
      }
    }

    /** Reads them; not a lambda, which would be spun at start-up. */
    private static final class ReadProviderClassFiles implements Callable<ProviderClassFiles> {
      @Override
      public ProviderClassFiles call() {
        return ProviderClassFiles.read();
      }
    }

    /** Opens the file; not a lambda, which would be spun at start-up. */
    private static final class OpenCache implements Callable<WovenJdkCache> {
      @Override
      public WovenJdkCache call() {
        return WovenJdkCache.open(agentJar());
      }
    }

    /** {@return the agent jar, or a path that is none if it cannot tell (nothing is kept then)} */
    private static Path agentJar() {
      try {
        return BootstrapJar.agentLocation();
      } catch (IOException unknown) {
        return Path.of("");
      }
    }
  }
}
