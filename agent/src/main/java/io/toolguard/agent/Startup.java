package io.toolguard.agent;

import io.toolguard.agent.approval.ApprovalChannels;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.file.ProtectedFiles;
import io.toolguard.agent.options.AgentOptions;
import io.toolguard.agent.options.AgentProperties;
import io.toolguard.agent.options.Version;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import io.toolguard.agent.reload.PolicyReloader;
import io.toolguard.agent.sandbox.ExecSandboxes;
import io.toolguard.agent.weave.WovenJdkCache;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Starts the agent, or refuses to: at JVM start a missing or invalid policy, or an audit log that
 * cannot be written, stops the JVM, which must never run unguarded; attached to a running JVM, the
 * same problems leave that JVM as it was and are reported to the attach command.
 *
 * <p>At JVM start the work is split over two threads: {@link JdkWeaving} defines the bootstrap
 * package and weaves the JDK on a thread of its own, started first, while {@code premain} reads the
 * policy, opens the audit log and readies the approval channels, all before {@code main}. It then
 * waits for the bootstrap package, makes the guards and weaves tool methods from then on; the
 * guards are installed in the dispatcher once the JDK is woven, on the weaving's thread beside
 * {@code main} ({@link Guards#install}), and a tool call waits for them. (With {@code
 * -Dtoolguard.woven_jdk=off}, or a security manager asked for, {@code premain} does that too, and a
 * weaving that fails stops the JVM rather than refuses every tool call.) The approval web page
 * listens on a thread of its own started last ({@link ApprovalChannels#startLater}), which a call
 * that needs a person waits for and {@code main} does not. On JDK 22 and later, what the kernel
 * offers the exec sandbox and pinned opens (the foreign function API's first use) is asked on a
 * third thread once {@code premain} is done ({@link ExecSandboxes#announce}), which the first tool
 * call waits for and {@code main} does not. Attached, everything runs in turn on the attaching
 * thread.
 */
final class Startup {

  /** The exit status when toolguard refuses to start the JVM. */
  static final int REFUSED = ToolGuardAgent.REFUSED;

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  /**
   * The start-up line of the agent running in this JVM, or null: kept here, not read back from the
   * system property it also goes to, which a tool that calls {@code premain} is not shown.
   */
  private static volatile String runningLine;

  private Startup() {}

  /** At JVM start: starts the agent or stops the JVM. */
  static void premain(String optionText, Instrumentation instrumentation) {
    try {
      start(optionText, instrumentation, false, "so the JVM is not started");
    } catch (Refusal refusal) {
      System.err.println("toolguard: " + refusal.getMessage());
      System.err.flush();
      System.exit(REFUSED);
    }
  }

  /**
   * Attached to a running JVM: starts the agent, or leaves the JVM unguarded as it was and throws,
   * which fails the attach.
   */
  static void agentmain(String optionText, Instrumentation instrumentation) {
    try {
      System.clearProperty(AgentProperties.ATTACH_FAILURE);
      start(optionText, instrumentation, true, "so nothing was changed");
    } catch (Refusal refusal) {
      System.setProperty(AgentProperties.ATTACH_FAILURE, refusal.getMessage());
      System.err.println("toolguard: not attached: " + refusal.getMessage());
      throw new IllegalStateException(refusal.getMessage());
    }
  }

  private static void start(
      String optionText, Instrumentation instrumentation, boolean attached, String consequence) {
    if (!STARTED.compareAndSet(false, true)) {
      String running = runningLine;
      throw new Refusal(
          "toolguard is already running in this JVM ("
              + (running != null
                  ? running
                  : "an earlier attach failed part-way; restart the JVM to use toolguard")
              + "); give -javaagent:toolguard-agent.jar only once, and do not attach it where it already runs");
    }
    // At JVM start, the half that needs no policy starts first, on a thread of its own.
    JdkWeaving jdk =
        attached ? JdkWeaving.inTurn(instrumentation) : JdkWeaving.beside(instrumentation);
    boolean jvmChanged = false;
    try {
      AgentOptions options = AgentOptions.parse(optionText, properties(), System.getenv());
      String policyFile = options.policyFile(System.getenv());
      Policy policy = PolicyParser.parse(path(policyFile, "policy"));
      Mode mode = policy.modeWith(options.mode());
      AuditLog audit =
          AuditLog.open(path(options.audit().orElse(AgentOptions.DEFAULT_AUDIT_LOG), "audit"));
      ActivePolicy active = new ActivePolicy(new ActivePolicy.Snapshot(policy, mode));
      ApprovalChannels approvals = ApprovalChannels.start(policy.approval(), System.getenv());
      Optional<Path> agentJar = agentJar();
      ProtectedFiles own =
          ProtectedFiles.of(
              policy.files(),
              audit.file(),
              approvals.tokenFile(),
              approvals.terminal(),
              agentJar,
              agentJar.isPresent() ? WovenJdkCache.filesFor(agentJar.get()) : Optional.empty());
      warnAboutOwnFilesIn(policy.sandbox(), own);
      if (attached) {
        // An attach that fails must leave the JVM as it was; at JVM start the page starts after
        // premain, and a page that cannot listen denies what it would have asked.
        approvals.startNow();
      }
      jvmChanged = true;
      // Nothing that refers to the bootstrap package may load before it is defined.
      boolean trainingRun = jdk.bootstrap().trainingRun();
      ExecSandboxes sandboxes = new ExecSandboxes(own);
      Guards.install(instrumentation, active, audit, approvals, own, sandboxes, jdk, attached);
      if (!options.reload().isZero()) {
        new PolicyReloader(
                path(policyFile, "policy"), options.mode(), active, audit, new OwnFilesFollow(own))
            .start(options.reload());
      }
      String status =
          "toolguard "
              + Version.current()
              + ": policy "
              + policyFile
              + " ("
              + policy.tools().size()
              + " tool rules, sha256 "
              + policy.digest().substring(0, 12)
              + "), mode "
              + mode.label()
              + ", sandbox "
              + policy.sandbox()
              + ", audit log "
              + audit.file();
      System.setProperty(AgentProperties.APPROVALS, approvals.whereToApprove());
      System.setProperty(AgentProperties.RUNNING, status);
      runningLine = status;
      System.err.println(status);
      if (trainingRun) {
        System.err.println("toolguard: " + Guards.TRAINING_RUN);
      } else {
        // Last: on JDK 22+ at JVM start, a thread of its own asks the kernel once a class with
        // tools loads or a tool call comes, and prints the exec sandbox's line; main does not wait
        // for it, the first tool call does.
        sandboxes.announce(policy);
      }
      if (!attached) {
        // The approval page listens on a thread of its own; only a call that needs it waits.
        // First: from then on, no class that must be woven before it runs is defined unwoven.
        jdk.mainMayRun();
        approvals.startLater();
      }
    } catch (PolicyException invalid) {
      throw refusal(
          jvmChanged, "the policy is invalid, " + consequence + ":\n" + invalid.getMessage());
    } catch (IllegalArgumentException | IllegalStateException | IOException problem) {
      throw refusal(jvmChanged, problem.getMessage());
    } catch (RuntimeException | LinkageError failure) {
      throw refusal(jvmChanged, "failed to start (" + failure + ")");
    }
  }

  /**
   * {@return the agent jar}: no tool may touch it, nor the files beside it that keep the JDK's
   * classes as woven (attached too: an earlier start may have written them)
   */
  private static Optional<Path> agentJar() {
    try {
      return Optional.of(BootstrapJar.agentLocation());
    } catch (IOException unknown) {
      // The bootstrap package cannot be defined either, and the start is refused.
      return Optional.empty();
    }
  }

  /**
   * Before a reloaded policy is in force: its files become toolguard's own, and a sandbox that
   * holds toolguard's files is warned about. A class, not a lambda, which start-up would spin.
   */
  private static final class OwnFilesFollow implements Consumer<Policy> {
    private final ProtectedFiles own;

    OwnFilesFollow(ProtectedFiles own) {
      this.own = own;
    }

    @Override
    public void accept(Policy reloaded) {
      own.policyChanged(reloaded.files());
      warnAboutOwnFilesIn(reloaded.sandbox(), own);
    }
  }

  /**
   * Says on stderr which of toolguard's own files lie inside the sandbox: no tool may touch them,
   * but a tool that walks the sandbox trips over them, and they are safer outside.
   */
  private static void warnAboutOwnFilesIn(Path sandbox, ProtectedFiles own) {
    for (ProtectedFiles.Entry entry : own.inside(sandbox)) {
      System.err.println(
          "toolguard: warning: the "
              + entry.kind().label()
              + " "
              + entry.shown()
              + " is inside the sandbox root "
              + sandbox
              + "; no tool may touch it, whatever its grants, but keep it outside the sandbox");
    }
  }

  /** A failure before anything in the JVM changed may be retried, as by attaching again. */
  private static Refusal refusal(boolean jvmChanged, String message) {
    STARTED.set(jvmChanged);
    return new Refusal(message);
  }

  /** {@return the agent's own system properties, {@code toolguard.mode} and the like} */
  private static java.util.Map<String, String> properties() {
    java.util.Map<String, String> properties = new java.util.HashMap<>();
    for (String key : java.util.List.of("toolguard.mode", "toolguard.audit", "toolguard.reload")) {
      String value = System.getProperty(key);
      if (value != null) {
        properties.put(key, value);
      }
    }
    return properties;
  }

  private static Path path(String text, String option) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          option + "=" + text + " is not a valid path: " + e.getReason());
    }
  }

  /** Why toolguard did not start, in words for the person who started it. */
  private static final class Refusal extends RuntimeException {

    Refusal(String message) {
      super(message, null, false, false);
    }
  }
}
