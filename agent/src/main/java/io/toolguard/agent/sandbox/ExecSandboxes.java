package io.toolguard.agent.sandbox;

import io.toolguard.agent.file.ProtectedFiles;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.SandboxMode;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.threads.OwnThreads;
import io.toolguard.bootstrap.KernelSandbox;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When the processes a tool starts run in a kernel sandbox, and which: one Landlock ruleset per
 * level of the tool's context (a nested tool's processes get the outer tool's ruleset too, and the
 * kernel lets through only what every one allows), each built from that level's rule ({@link
 * RulesetPlanner}).
 *
 * <p>What the kernel and JDK offer is asked once, at start-up, on a thread of its own ({@link
 * #askKernelAhead}); on JDK 17 to 21 nothing of the foreign function API is loaded.
 */
public final class ExecSandboxes {

  private final ProtectedFiles own;
  private final Path javaHome;
  private volatile Availability availability;

  /** The thread {@link #askKernelAhead} started, or null. */
  private Thread kernelProbe;

  /** What went wrong on that thread, or null. */
  private volatile Throwable kernelProbeFailure;

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
    this.own = own;
    this.javaHome = Path.of(System.getProperty("java.home"));
  }

  /**
   * Weaves nothing itself, but readies what the woven fork needs on Linux: {@code java.lang} open
   * to the bootstrap class path's module, where the handle to the JDK's fork is made (and native
   * access turned on), and {@code jdk.internal.module} exported to it, where it reads what {@code
   * --illegal-native-access} says. Only toolguard's bridge and the JDK are in that module.
   *
   * @return whether the fork can be woven (Linux)
   * @throws IllegalStateException if the handle cannot be had
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
    try {
      KernelSandbox.loadFork();
    } catch (LinkageError failure) {
      throw new IllegalStateException(
          "toolguard cannot reach this JDK's process fork ("
              + (failure.getCause() == null ? failure : failure.getCause())
              + ")",
          failure);
    }
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
          new RulesetPlanner(policy.sandbox(), policy.execSandbox(), javaHome, ownFiles())
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
   * Starts asking the kernel and the JDK what they offer (Landlock, {@code openat2}, native access)
   * on a thread of its own; {@link #awaitKernel} waits for the answer. On JDK 22 and later the
   * first use of the foreign function API spins its method handles in the JVM's interpreter (about
   * 0.3 s on JDK 25): asked beside the JDK's weaving, it no longer adds to the start-up on a
   * machine with a second core. Both answers are decided once for the life of the JVM ({@code
   * KernelSandbox.pinnedOpens} reads its switch then), so they are awaited before {@code main}: no
   * tool runs while they are still open, and the start-up line says what is available.
   *
   * <p>Call after {@link #prepare} said the fork can be woven.
   */
  public void askKernelAhead() {
    Thread probe = OwnThreads.daemon(new KernelProbe(), "toolguard-kernel-probe");
    kernelProbe = probe;
    probe.start();
  }

  /** {@link #askKernelAhead}'s work: a named class, as a method reference is spun at start-up. */
  private final class KernelProbe implements Runnable {
    @Override
    public void run() {
      try {
        KernelSandbox.pinnedOpens();
        availability();
      } catch (RuntimeException | LinkageError failure) {
        kernelProbeFailure = failure;
      }
    }
  }

  /**
   * Waits for what {@link #askKernelAhead} asked, if it was asked.
   *
   * @throws IllegalStateException if asking failed (the start then fails, as it did when asked on
   *     the starting thread)
   */
  public void awaitKernel() {
    Thread probe = kernelProbe;
    if (probe == null) {
      return;
    }
    OwnThreads.awaitEnd(probe);
    Throwable failure = kernelProbeFailure;
    if (failure != null) {
      throw new IllegalStateException(
          "toolguard could not find out what the kernel offers its sandbox (" + failure + ")",
          failure);
    }
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
    boolean used =
        policy.execSandbox().mode() != SandboxMode.OFF
            || anyRuleSays(policy, SandboxMode.OFF, false);
    if (!used) {
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

  private List<Path> ownFiles() {
    List<Path> paths = new ArrayList<>();
    for (ProtectedFiles.Entry entry : own.all()) {
      paths.add(entry.named());
      paths.add(entry.real());
    }
    return paths;
  }
}
