package io.toolguard.agent;

import io.toolguard.agent.approval.ApprovalChannels;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyException;
import io.toolguard.agent.policy.PolicyParser;
import io.toolguard.agent.reload.PolicyReloader;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Starts the agent, or stops the JVM: a missing or invalid policy, or an audit log that cannot be
 * written, must never leave the application running unguarded.
 */
final class Startup {

  /** The exit status when toolguard refuses to start the JVM. */
  static final int REFUSED = 78;

  private Startup() {}

  static void start(String optionText, Instrumentation instrumentation) {
    try {
      AgentOptions options = AgentOptions.parse(optionText);
      String policyFile = options.policyFile(System.getenv());
      Policy policy = PolicyParser.parse(path(policyFile, "policy"));
      Mode mode = policy.modeWith(options.mode());
      AuditLog audit = AuditLog.open(path(options.audit().orElse(AgentOptions.DEFAULT_AUDIT_LOG), "audit"));
      ActivePolicy active = new ActivePolicy(new ActivePolicy.Snapshot(policy, mode));
      ApprovalChannels approvals = ApprovalChannels.start(policy.approval(), System.getenv());
      BootstrapJar.appendTo(instrumentation);
      Guards.install(instrumentation, active, audit, approvals);
      if (!options.reload().isZero()) {
        new PolicyReloader(path(policyFile, "policy"), options.mode(), active, audit).start(options.reload());
      }
      System.err.println("toolguard " + Version.current() + ": policy " + policyFile + " (" + policy.tools().size()
          + " tool rules, sha256 " + policy.digest().substring(0, 12) + "), mode " + mode.label()
          + ", sandbox " + policy.sandbox() + ", audit log " + audit.file());
    } catch (PolicyException invalid) {
      refuse("the policy is invalid, so the JVM is not started:\n" + invalid.getMessage());
    } catch (IllegalArgumentException | IllegalStateException | IOException problem) {
      refuse(problem.getMessage());
    } catch (RuntimeException | LinkageError failure) {
      refuse("failed to start (" + failure + ")");
    }
  }

  private static Path path(String text, String option) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(option + "=" + text + " is not a valid path: " + e.getReason());
    }
  }

  private static void refuse(String message) {
    System.err.println("toolguard: " + message);
    System.err.flush();
    System.exit(REFUSED);
  }
}
