package io.toolguard.agent.sandbox;

import io.toolguard.agent.file.ProtectedFiles;
import io.toolguard.agent.guard.CallsRefused;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.SandboxMode;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.threads.OwnThreads;
import io.toolguard.bootstrap.KernelSandbox;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * When the processes a tool starts run in a kernel sandbox, and which: one Landlock ruleset per
 * level of the tool's context (a nested tool's processes get the outer tool's ruleset too, and the
 * kernel lets through only what every one allows), each built from that level's rule ({@link
 * RulesetPlanner}).
 *
 * <p>What the kernel and JDK offer is asked once: at JVM start on JDK 22 and later on a thread of
 * its own, started once {@code premain} is done ({@link #announce}), when the application loads its
 * first class with tools or a tool call comes, which waits for it ({@link #answers}); attached, or
 * on JDK 17 to 21 (where nothing of the foreign function API is loaded), at once ({@link
 * #askKernel}).
 */
public final class ExecSandboxes {

  private final ProtectedFiles own;
  private final Path javaHome;
  private volatile Availability availability;

  /** What the kernel and JDK are asked: a parameter for tests of a failing probe. */
  private final Runnable ask;

  /**
   * Where the start-up line goes: the process's standard error through a stream of toolguard's own,
   * made in {@code premain}: not {@code System.err}, whose lock and stream the application can hold
   * or replace, and so hold up the probe's thread.
   */
  private final PrintStream err;

  private final Answers answers = new Answers();

  /** What this JVM and kernel offer: the Landlock ABI, or why there is none. */
  record Availability(int abi, String unavailable) {}

  /**
   * The sandbox a start gets.
   *
   * @param layers the rulesets to apply, one per confined level; empty to start unconfined
   * @param summary the rulesets in words, or why none applies, for the audit log
   * @param refusal why the start is refused ({@code exec_sandbox: required} and no sandbox)
   */
  public record Confinement(
      List<KernelSandbox.Layer> layers, String summary, Optional<String> refusal) {
    public Confinement {
      layers = List.copyOf(layers);
    }
  }

  public ExecSandboxes(ProtectedFiles own) {
    this(
        own,
        new AskKernel(),
        // Made here, in premain; ASCII lines, so the platform's charset will do.
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, Charset.defaultCharset()));
  }

  /**
   * @param ask what the kernel and JDK are asked: a parameter for tests of a failing probe
   * @param err where the start-up line goes
   */
  ExecSandboxes(ProtectedFiles own, Runnable ask, PrintStream err) {
    this.own = own;
    this.javaHome = Path.of(System.getProperty("java.home"));
    this.ask = ask;
    this.err = err;
  }

  /**
   * What the kernel and JDK are asked: Landlock first (the foreign function API's set-up, most of
   * the time), then {@code openat2} for pinned opens, whose switch was read in {@code premain}.
   */
  private static final class AskKernel implements Runnable {
    @Override
    public void run() {
      KernelSandbox.abi();
      KernelSandbox.pinnedOpens();
    }
  }

  /**
   * Weaves nothing itself, but readies what the woven fork needs on Linux: {@code java.lang} open
   * to the bootstrap class path's module, where the handle to the JDK's fork is made (and native
   * access turned on), and {@code jdk.internal.module} exported to it, where it reads what {@code
   * --illegal-native-access} says. Only toolguard's bridge and the JDK are in that module. The
   * handle is made at the first fork.
   *
   * @return whether the fork can be woven (Linux)
   */
  public static boolean prepare(Instrumentation instrumentation) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return false;
    }
    Module bridge = KernelSandbox.class.getModule();
    instrumentation.redefineModule(
        Object.class.getModule(),
        Set.of(),
        Map.of("jdk.internal.module", Set.of(bridge)),
        Map.of("java.lang", Set.of(bridge)),
        Set.of(),
        Map.of());
    return true;
  }

  /**
   * {@return the sandbox of a process started in {@code context}}
   *
   * @param executable the real path of the program, if found
   */
  public Confinement confinement(ToolContext context, Optional<Path> executable) {
    List<KernelSandbox.Layer> layers = new ArrayList<>();
    List<String> summaries = new ArrayList<>();
    for (ToolContext level = context; level != null; level = level.outer()) {
      Policy policy = level.policy().policy();
      SandboxMode mode = policy.execSandboxFor(level.decision());
      if (mode == SandboxMode.OFF) {
        summaries.add("off for tool '" + level.tool() + "' (rule " + level.decision().rule() + ")");
        continue;
      }
      if (!level.policy().enforcing()) {
        // a kernel refusal cannot be logged as would-deny: audit mode observes, so it does not
        // confine
        summaries.add("none in audit mode");
        continue;
      }
      Availability offered = availability();
      if (offered.unavailable() != null) {
        String why = "none: " + offered.unavailable();
        if (mode == SandboxMode.REQUIRED) {
          return new Confinement(
              List.of(),
              why,
              Optional.of(
                  "it must run in a kernel sandbox (exec_sandbox: required), and "
                      + offered.unavailable()));
        }
        summaries.add(why);
        continue;
      }
      RulesetPlanner.Plan plan =
          new RulesetPlanner(
                  policy.sandbox(), policy.execSandbox(), javaHome, ownFiles(false), ownFiles(true))
              .plan(
                  level.decision().grants().files(),
                  level.decision().grants().net(),
                  executable,
                  offered.abi());
      layers.add(plan.layer());
      summaries.add(
          "landlock abi "
              + offered.abi()
              + " ("
              + plan.summary()
              + ")"
              + (plan.notHanded().isEmpty()
                  ? ""
                  : "; not handed: " + String.join("; ", plan.notHanded())));
    }
    return new Confinement(layers, String.join(" + ", summaries), Optional.empty());
  }

  /**
   * {@return what every tool call asks first}: until the kernel's answers are settled ({@link
   * #askKernel}, {@link #announce}), it waits for them; after that it costs one volatile read, and
   * refuses every call if they could not be had. Whether opens are pinned, and whether the exec
   * sandbox is there, are decided once for the life of the JVM, so no tool may run while they are
   * still open: a tool must not race the answers, and the start-up line says them before any tool
   * runs.
   */
  public CallsRefused answers() {
    return answers;
  }

  /**
   * Asks the kernel and the JDK what they offer now, on this thread, where that costs little or
   * must be done before any hook is in place: attached to a running JVM (tools may be running
   * already), on JDK 17 to 21 (nothing of the foreign function API is loaded: no Landlock, no
   * {@code openat2}) and where the fork is not woven (not Linux). At JVM start on JDK 22 and later,
   * leaves the asking to {@link #announce}, the last step of {@code premain}.
   *
   * <p>Call in {@code premain} or {@code agentmain}, after the bootstrap package is defined.
   *
   * @param forkHere whether {@link #prepare} said the fork can be woven
   * @throws IllegalStateException if asking failed (the start is then refused)
   */
  public void askKernel(boolean forkHere, boolean attached) {
    KernelSandbox.readSwitches();
    if (forkHere && !attached && Runtime.version().feature() >= 22) {
      return;
    }
    String failure = asked();
    answers.settle(failure);
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  /**
   * Says on stderr what toolguard does with the processes tools start, in one line, and asks the
   * kernel if {@link #askKernel} left that for now: the last step of {@code premain}. The first use
   * of the foreign function API spins its method handles in the JVM's interpreter (about 0.3 s of
   * CPU on JDK 25), so it runs on a daemon thread of its own, started now, that asks once a tool
   * call may come: the application loads its first class with tools ({@link
   * CallsRefused#toolsAhead}, as the JDK's classes left unwoven are woven then), or a call comes.
   * {@code main} does not wait for it, an application that loads no class with tools never pays for
   * it, and the first tool call waits for it ({@link #answers}). The line is printed at once where
   * it needs no answer (the policy turns the sandbox off everywhere, or the answers are in
   * already), else by that thread when it has them, before any tool runs. If asking fails, that
   * thread says so once and every tool call is refused.
   */
  public void announce(Policy policy) {
    if (answers.settled != null) {
      err.println("toolguard: " + startupNote(policy));
      return;
    }
    boolean needsAnswers = used(policy);
    if (!needsAnswers) {
      err.println("toolguard: " + startupNote(policy));
    }
    OwnThreads.daemon(new KernelProbe(needsAnswers ? policy : null), "toolguard-kernel-probe")
        .start();
  }

  /**
   * Asks the kernel and the JDK what they offer ({@code openat2} for pinned opens, Landlock).
   *
   * @return null, or why it failed, in words for the person who started the JVM
   */
  private String asked() {
    try {
      ask.run();
      return null;
    } catch (RuntimeException | LinkageError failure) {
      // What failed to initialise says why in its cause.
      Throwable shown =
          failure instanceof ExceptionInInitializerError && failure.getCause() != null
              ? failure.getCause()
              : failure;
      return "toolguard could not find out what the kernel offers (" + shown + ")";
    }
  }

  /** {@link #announce}'s thread: a named class, as a method reference is spun at start-up. */
  private final class KernelProbe implements Runnable {

    /** The policy whose start-up line to print once asked, or null if it was printed. */
    private final Policy policy;

    KernelProbe(Policy policy) {
      this.policy = policy;
    }

    @Override
    public void run() {
      try {
        // Nothing asked until a tool call may come: an application that loads no class with
        // tools never pays for the foreign function API's first use.
        answers.awaitWanted();
        String failure = asked();
        String refusal = null;
        String line = null;
        if (failure != null) {
          refusal = failure + ", so every tool call is denied; restart the JVM";
          line = "toolguard: ERROR: " + refusal;
        } else if (policy != null) {
          line = "toolguard: " + startupNote(policy);
        }
        if (line != null) {
          // Before the answers are settled, so before any tool runs; through toolguard's own
          // stream, whose lock no code of the application's can hold (only a standard error no
          // one reads could block it, as it blocks the application's own writes).
          err.println(line);
        }
        answers.settle(refusal);
      } finally {
        // Allocates nothing: whatever was thrown above (out of memory, say), no tool call waits
        // for ever, and one that finds nothing settled is refused (Answers.UNANSWERED).
        answers.end();
      }
    }
  }

  /** The answers every tool call waits for ({@link #answers}). */
  static final class Answers implements CallsRefused {

    /**
     * Why every tool call is refused when asking ended with nothing settled: an error (out of
     * memory, say) thrown before the answer could be kept.
     */
    static final String UNANSWERED =
        "toolguard's kernel probe ended without an answer, so every tool call is denied; restart"
            + " the JVM";

    /** What asking came to, once settled; null until then. */
    private volatile Settled settled;

    private final CountDownLatch ended = new CountDownLatch(1);

    /**
     * Counted down once a tool call may come (a class with tools was woven, or a call came): the
     * probe's thread asks the kernel only then.
     */
    private final CountDownLatch wanted = new CountDownLatch(1);

    /** Why every tool call is refused, or null if none is: a value, set once. */
    private record Settled(String refusal) {}

    /** Keeps what asking came to (the first answer stands), then ends the waiting. */
    void settle(String refusal) {
      if (settled == null) {
        settled = new Settled(refusal);
      }
      end();
    }

    /** Lets the waiting calls through, settled or not; allocates nothing. */
    void end() {
      ended.countDown();
    }

    @Override
    public void toolsAhead() {
      // Allocates and loads nothing (see CallsRefused): the latch's classes are loaded already.
      wanted.countDown();
    }

    /** Waits until a tool call may come ({@link #toolsAhead}, {@link #why}). */
    void awaitWanted() {
      awaitUninterrupted(wanted);
    }

    @Override
    public String why() {
      Settled known = settled;
      if (known == null) {
        wanted.countDown();
        awaitUninterrupted(ended);
        known = settled;
        if (known == null) {
          return UNANSWERED;
        }
      }
      return known.refusal();
    }

    /**
     * Waits until {@code latch} is counted down, however often the waiting thread is interrupted
     * meanwhile (a tool must not run on an interrupt before the answers are settled), and
     * interrupts it again afterwards if it was.
     */
    private static void awaitUninterrupted(CountDownLatch latch) {
      boolean interrupted = false;
      while (true) {
        try {
          latch.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@return whether the policy may confine a process: its start-up line needs the answers} */
  private static boolean used(Policy policy) {
    return policy.execSandbox().mode() != SandboxMode.OFF
        || anyRuleSays(policy, SandboxMode.OFF, false);
  }

  /**
   * {@return whether a rule sets {@code exec_sandbox} to {@code mode} ({@code is}), or to anything
   * but {@code mode} (not {@code is})} A loop: a stream's lambdas would be spun at start-up.
   */
  private static boolean anyRuleSays(Policy policy, SandboxMode mode, boolean is) {
    for (ToolRule rule : policy.tools()) {
      Optional<SandboxMode> set = rule.grants().execSandbox();
      if (set.isPresent() && (set.get() == mode) == is) {
        return true;
      }
    }
    return false;
  }

  /** {@return what toolguard will do with the processes tools start, for the start-up line} */
  public String startupNote(Policy policy) {
    if (!used(policy)) {
      return "exec sandbox: off (exec_sandbox: off); processes tools start run with the JVM's rights";
    }
    Availability offered = availability();
    String jdk = "JDK " + Runtime.version().feature();
    if (offered.unavailable() != null) {
      return "exec sandbox: unavailable ("
          + offered.unavailable()
          + "); processes tools start run with the JVM's rights"
          + (policy.execSandbox().mode() == SandboxMode.REQUIRED
                  || anyRuleSays(policy, SandboxMode.REQUIRED, true)
              ? ", and those of tools whose rule requires it (exec_sandbox: required) do not start"
              : "");
    }
    return "exec sandbox: Landlock ABI "
        + offered.abi()
        + (offered.abi() >= 4
            ? " (files and TCP ports)"
            : " (files; no network rules before ABI 4)")
        + ", "
        + jdk
        + ", native access "
        + (KernelSandbox.nativeAccess() ? "on" : "off")
        + "; processes tools start run confined to their rule's grants"
        + (policy.execSandbox().mode() == SandboxMode.OFF ? " where the rule says so" : "")
        + (KernelSandbox.pinnedOpens() == null
            ? "; files tools open are opened with openat2, pinned to the path checked"
            : "; files tools open are not pinned (" + KernelSandbox.pinnedOpens() + ")");
  }

  private Availability availability() {
    Availability known = availability;
    if (known == null) {
      int abi = KernelSandbox.abi();
      known = new Availability(abi, abi > 0 ? null : KernelSandbox.unavailable());
      availability = known;
    }
    return known;
  }

  /** {@return toolguard's own files, or how those known by a prefix are named, both ways} */
  private List<Path> ownFiles(boolean prefixes) {
    List<Path> paths = new ArrayList<>();
    for (ProtectedFiles.Entry entry : own.all()) {
      if (entry.prefix() == prefixes) {
        paths.add(entry.named());
        paths.add(entry.real());
      }
    }
    return paths;
  }
}
