package io.toolguard.agent.reload;

import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.audit.PolicyEvent;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.read.PolicyDigest;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import io.toolguard.agent.threads.OwnThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Notices a changed policy file (or a file it includes) and puts the new policy in force if it is
 * valid; an invalid one is reported with the same messages as {@code validate}, and the policy in
 * force stays. Checks by content digest, on a daemon thread, every {@code interval}.
 */
public final class PolicyReloader {

  private final Path file;
  private final Optional<Mode> modeOption;
  private final ActivePolicy active;
  private final AuditLog audit;
  private final Consumer<Policy> beforeInForce;
  private String lastSeen;

  /** The approval channels run from start-up to the end; a reload changes only the timeout. */
  private final ApprovalSettings startedWith;

  /**
   * Tool methods are found when their classes load; a reload cannot change which annotations mark
   * them.
   */
  private final List<String> annotationsAtStart;

  /**
   * @param file the policy file as the user named it
   * @param modeOption the agent option {@code mode=}, which keeps overriding the policy's mode
   */
  public PolicyReloader(Path file, Optional<Mode> modeOption, ActivePolicy active, AuditLog audit) {
    this(file, modeOption, active, audit, policy -> {});
  }

  /**
   * @param file the policy file as the user named it
   * @param modeOption the agent option {@code mode=}, which keeps overriding the policy's mode
   * @param beforeInForce told of each new policy just before it is put in force (so that its files
   *     are toolguard's own before any call it decides runs)
   */
  public PolicyReloader(
      Path file,
      Optional<Mode> modeOption,
      ActivePolicy active,
      AuditLog audit,
      Consumer<Policy> beforeInForce) {
    this.file = file;
    this.modeOption = modeOption;
    this.active = active;
    this.audit = audit;
    this.beforeInForce = beforeInForce;
    this.lastSeen = active.current().policy().digest();
    this.startedWith = active.current().policy().approval();
    this.annotationsAtStart = active.current().policy().toolAnnotations();
  }

  /** Starts checking on a daemon thread. */
  public void start(Duration interval) {
    OwnThreads.daemon(new Watcher(interval.toMillis()), "toolguard-policy-reloader").start();
  }

  /** The checking thread's work: a named class, as a lambda would be spun at start-up. */
  private final class Watcher implements Runnable {
    private final long intervalMillis;

    Watcher(long intervalMillis) {
      this.intervalMillis = intervalMillis;
    }

    @Override
    public void run() {
      while (true) {
        try {
          Thread.sleep(intervalMillis);
          check();
        } catch (InterruptedException stop) {
          return;
        } catch (RuntimeException failure) {
          System.err.println(
              "toolguard: ERROR: checking the policy for changes failed; the policy in force stays: "
                  + failure);
        }
      }
    }
  }

  /** Checks once: reloads a changed policy, or reports why the change was rejected. */
  void check() {
    String digest;
    try {
      digest = PolicyDigest.of(active.current().policy().files());
    } catch (IOException unreadable) {
      digest = "unreadable: " + unreadable;
    }
    if (digest.equals(lastSeen)) {
      return;
    }
    try {
      // The digest of what was parsed, not of a second read: a change in between is seen next time.
      Policy policy = PolicyParser.parse(file);
      Mode mode;
      try {
        mode = policy.modeWith(modeOption);
      } catch (IllegalArgumentException lockedMode) {
        reject(policy.digest(), lockedMode.getMessage());
        return;
      }
      String summary =
          policy.tools().size()
              + " tool rules, mode "
              + mode.label()
              + channelsNote(policy.approval())
              + (policy.toolAnnotations().equals(annotationsAtStart)
                  ? ""
                  : "; its tool_annotations differ from those"
                      + " read at start-up, which stay until a restart");
      // Logged before it is put in force, so the audit log shows the reload before any call it
      // decides.
      audit.write(
          new PolicyEvent(
              Instant.now(), "policy-reloaded", file.toString(), policy.digest(), summary));
      beforeInForce.accept(policy);
      active.replace(new ActivePolicy.Snapshot(policy, mode));
      lastSeen = policy.digest();
      System.err.println(
          "toolguard: policy "
              + file
              + " reloaded (sha256 "
              + policy.digest()
              + ", "
              + summary
              + "); it applies to tool calls that start from now on");
    } catch (PolicyException invalid) {
      reject(digest, invalid.getMessage());
    }
  }

  private String channelsNote(ApprovalSettings approval) {
    boolean same =
        approval.terminal() == startedWith.terminal()
            && approval.web().equals(startedWith.web())
            && approval.webhook().equals(startedWith.webhook());
    return same
        ? ""
        : "; its approval channels differ from those started with the JVM, which stay until a restart"
            + " (its approval timeout applies now)";
  }

  private void reject(String digest, String problems) {
    lastSeen = digest;
    System.err.println(
        "toolguard: the changed policy "
            + file
            + " is rejected, and the policy in force (sha256 "
            + active.current().policy().digest()
            + ") stays:\n"
            + problems);
    audit.write(
        new PolicyEvent(Instant.now(), "policy-rejected", file.toString(), digest, problems));
  }
}
