package io.toolguard.agent.audit;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The audit log: one JSON object per decision, one line each, appended to a file the agent opens at
 * start-up and writes alone.
 *
 * <p>Nothing of the application's logging is read or changed: its SLF4J binding, Logback or {@code
 * logback.xml} play no part. Each line is one write to the file (opened to append), made under a
 * lock and not buffered, so it reaches the operating system before the call it records goes on, and
 * no line is lost when the application exits, by {@code System.exit} or otherwise. After a failed
 * write the log stops, instead of silently dropping lines while it retries, and every later {@link
 * #write} fails, so the caller denies the call.
 */
public final class AuditLog {

  private final Path file;

  /** Written under its own lock, one line per write; never buffered. */
  private final FileOutputStream stream;

  /** Why a write failed, once one has: every later write fails with it. Guarded by stream. */
  private String failure;

  private final AtomicBoolean failureReported = new AtomicBoolean();

  private AuditLog(Path file, FileOutputStream stream) {
    this.file = file;
    this.stream = stream;
  }

  /**
   * Opens (appends to) the audit log file, creating missing folders. The file is opened now, so a
   * log that cannot be written stops the start.
   *
   * @throws IllegalStateException saying why the file cannot be written
   */
  public static AuditLog open(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    FileOutputStream stream;
    try {
      Files.createDirectories(absolute.getParent());
      stream = new FileOutputStream(absolute.toFile(), true);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot write the audit log " + absolute + ": " + e, e);
    }
    return new AuditLog(absolute, stream);
  }

  /** {@return the absolute path of the log file} */
  public Path file() {
    return file;
  }

  /**
   * Writes one entry and returns once it reached the file.
   *
   * @throws IllegalStateException if this or an earlier line could not be written
   */
  public void write(AuditEntry entry) {
    byte[] line = (entry.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (stream) {
      if (failure == null) {
        try {
          stream.write(line);
        } catch (IOException | RuntimeException failed) {
          failure = failed.toString();
        }
      }
      if (failure != null) {
        throw new IllegalStateException("cannot write the audit log " + file + ": " + failure);
      }
    }
  }

  /**
   * Writes one entry, or stops what it records: nothing a tool does runs unrecorded. The one place
   * where a failed audit write turns into a denial.
   *
   * @param stopped what is stopped, completing "Tool 'x' …" ({@code "may not read '/etc/passwd'"})
   * @throws SecurityException if the entry cannot be written
   */
  public void writeOrStop(AuditEntry entry, String tool, String stopped) {
    try {
      write(entry);
    } catch (RuntimeException auditFailure) {
      if (failureReported.compareAndSet(false, true)) {
        System.err.println(
            "toolguard: ERROR: " + auditFailure.getMessage() + "; denying until it can be written");
      }
      throw new SecurityException(
          "Tool '"
              + tool
              + "' "
              + stopped
              + ": the audit log cannot be written, and nothing runs unrecorded");
    }
  }
}
