package io.toolguard.agent.exec;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.ExecRecord;
import io.toolguard.agent.env.EnvGuard;
import io.toolguard.agent.file.FileGuard;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.bootstrap.Dispatcher;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides each process a tool starts ({@code ProcessBuilder.start}, {@code startPipeline}, every
 * {@code Runtime.exec}) against the exec grants of the rule that allowed it, and the files the
 * process's redirects read and write against its file grants; the process inherits only the
 * environment variables its tool may read. What a started process does is beyond toolguard: it runs
 * with the JVM's rights.
 */
public final class ExecGuard {

  private final AccessGate gate;
  private final FileGuard files;
  private final EnvGuard env;

  public ExecGuard(AccessGate gate, FileGuard files, EnvGuard env) {
    this.gate = gate;
    this.files = files;
    this.env = env;
  }

  /** Decides one start; see {@link Dispatcher#checkExec}. */
  public void check(ToolContext context, ProcessBuilder process) {
    List<String> command = process.command();
    String name = command.isEmpty() ? "" : command.get(0);
    String arguments =
        String.join(" ", command.subList(Math.min(1, command.size()), command.size()));
    String shown = String.join(" ", command);
    Path directory =
        process.directory() == null ? Path.of("").toAbsolutePath() : process.directory().toPath();
    Optional<Path> executable = Executables.find(name, directory);
    gate.check(
        context,
        new AccessGate.Access() {
          @Override
          public AccessDecision decide(ToolContext level) {
            return level
                .policy()
                .policy()
                .decideExec(level.decision(), name, executable, arguments);
          }

          @Override
          public String describe() {
            return "run '" + shown + "'";
          }

          @Override
          public String subject() {
            return "run a command";
          }

          @Override
          public String shown() {
            return "command=\""
                + shown
                + "\""
                + executable.map(real -> " (runs " + real + ")").orElse("");
          }

          @Override
          public AuditEntry record(
              ToolContext context, ToolContext level, Decision decision, String reason) {
            return new ExecRecord(
                Instant.now(),
                context.callId(),
                context.tool(),
                shown,
                executable.map(Path::toString).orElse(null),
                decision,
                level.decision().rule(),
                reason,
                Thread.currentThread().getName());
          }
        });
    checkRedirect(context, process.redirectInput(), Dispatcher.READ);
    checkRedirect(context, process.redirectOutput(), Dispatcher.WRITE);
    checkRedirect(context, process.redirectError(), Dispatcher.WRITE);
    // The process inherits only the variables its tool may read.
    env.trim(context, process.environment());
  }

  /** A redirect to a file is the process reading or writing that file on the tool's behalf. */
  private void checkRedirect(ToolContext context, ProcessBuilder.Redirect redirect, int access) {
    File file = redirect.file();
    if (file != null) {
      files.check(context, file, access, null);
    }
  }
}
