package io.toolguard.agent.exec;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.ExecRecord;
import io.toolguard.agent.env.EnvGuard;
import io.toolguard.agent.file.FileGuard;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.sandbox.ExecSandboxes;
import io.toolguard.bootstrap.Dispatcher;
import io.toolguard.bootstrap.ForkRequest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides each process a tool starts ({@code ProcessBuilder.start}, {@code startPipeline}, every
 * {@code Runtime.exec}) against the exec grants of the rule that allowed it, and the files the
 * process's redirects read and write against its file grants; the process inherits only the
 * environment variables its tool may read. Where the kernel and JDK can, the process then runs in a
 * kernel sandbox built from the same rule's grants ({@link ExecSandboxes}): decided here, with the
 * start, and applied to the fork that follows on this thread ({@link #fork}).
 */
public final class ExecGuard {

  private final AccessGate gate;
  private final FileGuard files;
  private final EnvGuard env;
  private final ExecSandboxes sandboxes;

  /** The start this thread decided last, with its sandbox, until its fork. */
  private static final ThreadLocal<Decided> PENDING = new ThreadLocal<>();

  /** A start that was decided: what runs, where, in which sandbox. */
  private record Decided(
      List<String> command, String directory, ExecSandboxes.Confinement confinement) {}

  public ExecGuard(AccessGate gate, FileGuard files, EnvGuard env, ExecSandboxes sandboxes) {
    this.gate = gate;
    this.files = files;
    this.env = env;
    this.sandboxes = sandboxes;
  }

  /**
   * Makes the fork of the start this thread just decided: in its kernel sandbox, if it has one.
   *
   * @return the process id
   */
  public int fork(ForkRequest fork) throws IOException {
    Decided decided = PENDING.get();
    PENDING.remove();
    if (decided == null || !fork.runs(decided.command(), decided.directory())) {
      // only the JDK's own start, just decided, forks inside a tool
      throw new SecurityException(
          "toolguard refused a fork that no process start of this tool decided; start processes"
              + " with ProcessBuilder or Runtime.exec");
    }
    ExecSandboxes.Confinement confinement = decided.confinement();
    if (confinement.layers().isEmpty()) {
      return fork.fork();
    }
    return fork.forkConfined(confinement.layers());
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
    PENDING.remove();
    // The files its redirects read and write first: a start they stop is no start to log or ask
    // about.
    checkRedirect(context, process.redirectInput(), Dispatcher.READ);
    checkRedirect(context, process.redirectOutput(), Dispatcher.WRITE);
    checkRedirect(context, process.redirectError(), Dispatcher.WRITE);
    ExecSandboxes.Confinement confinement = sandboxes.confinement(context, executable);
    gate.check(
        context,
        new AccessGate.Access() {
          @Override
          public AccessDecision decide(ToolContext level) {
            AccessDecision decided =
                level.policy().policy().decideExec(level.decision(), name, executable, arguments);
            return confinement.refusal().isPresent() && !(decided instanceof AccessDecision.Denied)
                ? AccessDecision.denied(confinement.refusal().get())
                : decided;
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
          public boolean recordedWhenAllowed() {
            return true;
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
                Thread.currentThread().getName(),
                decision == Decision.DENY ? null : confinement.summary());
          }
        });
    // The process inherits only the variables its tool may read.
    env.trim(context, process.environment());
    PENDING.set(
        new Decided(
            List.copyOf(command),
            process.directory() == null ? null : process.directory().getPath(),
            confinement));
  }

  /** A redirect to a file is the process reading or writing that file on the tool's behalf. */
  private void checkRedirect(ToolContext context, ProcessBuilder.Redirect redirect, int access) {
    File file = redirect.file();
    if (file != null) {
      files.check(context, file, access, null);
    }
  }
}
