package io.toolguard.agent.exec;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.approval.Resolution;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.audit.ExecRecord;
import io.toolguard.agent.file.FileGuard;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.tool.ToolContext;
import io.toolguard.bootstrap.Dispatcher;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides each process a tool starts ({@code ProcessBuilder.start}, {@code startPipeline}, every
 * {@code Runtime.exec}) against the exec grants of the rule that allowed it, and the files the
 * process's redirects read and write against its file grants. What a started process does is
 * beyond toolguard: it runs with the JVM's rights.
 */
public final class ExecGuard {

  private final AuditLog audit;
  private final Approver approver;
  private final FileGuard files;

  public ExecGuard(AuditLog audit, Approver approver, FileGuard files) {
    this.audit = audit;
    this.approver = approver;
    this.files = files;
  }

  /** Decides one start; see {@code Dispatcher#jvmAction}. */
  public void check(ToolContext context, ProcessBuilder process) {
    List<String> command = process.command();
    String name = command.isEmpty() ? "" : command.get(0);
    String arguments = String.join(" ", command.subList(Math.min(1, command.size()), command.size()));
    String shown = String.join(" ", command);
    Path directory = process.directory() == null ? Path.of("").toAbsolutePath() : process.directory().toPath();
    Optional<Path> executable = executable(name, directory);
    ToolContext asking = null;
    AccessDecision asked = null;
    for (ToolContext level = context; level != null; level = level.outer()) {
      AccessDecision decision = level.policy().policy().decideExec(level.decision(), name, executable, arguments);
      if (decision.outcome() == Outcome.DENY) {
        deny(context, level, shown, executable, decision.reason(), null);
        return;
      }
      if (decision.outcome() == Outcome.ASK && asked == null) {
        asking = level;
        asked = decision;
      }
    }
    if (asked != null) {
      if (!askAPerson(context, asking, shown, executable, asked)) {
        return;
      }
    } else if (context.policy().mode() == Mode.AUDIT) {
      record(context, context, shown, executable, "allow", "within the tool's grants");
    }
    checkRedirect(context, process.redirectInput(), Dispatcher.READ);
    checkRedirect(context, process.redirectOutput(), Dispatcher.WRITE);
    checkRedirect(context, process.redirectError(), Dispatcher.WRITE);
  }

  /** {@return whether the start may go on} */
  private boolean askAPerson(ToolContext context, ToolContext level, String shown, Optional<Path> executable,
      AccessDecision asked) {
    if (context.policy().mode() == Mode.AUDIT) {
      record(context, level, shown, executable, "would-ask", asked.reason());
      return true;
    }
    if (!approver.canAsk()) {
      deny(context, level, shown, executable,
          asked.reason() + ", but no approval channel is on (set 'approval:' in the policy)", null);
      return false;
    }
    Resolution resolution = approver.ask(context.callId(), context.tool(), "run a command",
        level.decision().risk(), "command=\"" + shown + "\"" + executable.map(real -> " (runs " + real + ")").orElse(""),
        Optional.of(shown), level.decision().rule(), context.policy().policy().approval().timeout());
    if (resolution.approved()) {
      record(context, level, shown, executable, "allow", resolution.reason());
      return true;
    }
    deny(context, level, shown, executable, resolution.reason(), resolution.answer().message());
    return false;
  }

  /** A redirect to a file is the process reading or writing that file on the tool's behalf. */
  private void checkRedirect(ToolContext context, ProcessBuilder.Redirect redirect, int access) {
    File file = redirect.file();
    if (file != null) {
      files.check(context, file, access, null);
    }
  }

  /** The file that would run: a path against the process's folder, a bare name on the JVM's PATH. */
  static Optional<Path> executable(String name, Path directory) {
    try {
      if (name.contains("/")) {
        return Optional.of(directory.resolve(name).toRealPath());
      }
      for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path candidate = Path.of(folder.isEmpty() ? "." : folder).resolve(name);
        if (!name.isEmpty() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate.toRealPath());
        }
      }
    } catch (IOException | RuntimeException notFound) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Writes the denial; throws it (with the person's message, if one was given) unless the innermost call runs in audit mode. */
  private void deny(ToolContext context, ToolContext level, String shown, Optional<Path> executable, String reason,
      String personsMessage) {
    boolean enforce = context.policy().mode() == Mode.ENFORCE;
    record(context, level, shown, executable, enforce ? "deny" : "would-deny", reason);
    if (enforce) {
      String via = level == context ? "" : " (inside tool '" + level.tool() + "')";
      throw new SecurityException(personsMessage != null ? personsMessage : "Tool '" + context.tool() + "'" + via
          + " may not run '" + shown + "': " + reason + " [rule " + level.decision().rule() + "]");
    }
  }

  private void record(ToolContext context, ToolContext level, String shown, Optional<Path> executable, String decision,
      String reason) {
    try {
      audit.write(new ExecRecord(Instant.now(), context.callId(), context.tool(), shown,
          executable.map(Path::toString).orElse(null), decision, level.decision().rule(), reason,
          Thread.currentThread().getName()));
    } catch (RuntimeException auditFailure) {
      throw new SecurityException("Tool '" + context.tool() + "' may not run '" + shown
          + "': the audit log cannot be written, and nothing runs unrecorded");
    }
  }
}
