package io.toolguard.agent.audit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.status.Status;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The audit log: one JSON object per decision, written through SLF4J to a Logback context that
 * belongs to the agent alone.
 *
 * <p>The context is built in code and never auto-configured, so the application's {@code
 * logback.xml}, {@code logback.configurationFile} and SLF4J binding are neither read nor changed.
 * Each line reaches the operating system before the call it records goes on, so no line is lost
 * when the application exits, by {@code System.exit} or otherwise. The appender is a plain one on
 * purpose: after a failed write it stops, instead of silently dropping lines while it retries, and
 * every later {@link #write} fails, so the caller denies the call.
 */
public final class AuditLog {

  private final Path file;
  private final FileOutputStream stream;
  private final AtomicReference<String> lastError = new AtomicReference<>("unknown error");
  private final AtomicBoolean failureReported = new AtomicBoolean();

  /** Built at the first line: loading Logback cost about 15 ms of every start-up. */
  private Writer writer;

  private AuditLog(Path file, FileOutputStream stream) {
    this.file = file;
    this.stream = stream;
  }

  /**
   * Opens (appends to) the audit log file, creating missing folders. The file is opened now, so a
   * log that cannot be written stops the start; Logback is set up at the first line.
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

  /** {@return the Logback logger and appender writing to the file, built at the first call} */
  private synchronized Writer writer() {
    if (writer == null) {
      writer = Writer.to(stream, lastError);
    }
    return writer;
  }

  /** The agent's own Logback context, logger and appender, writing to the audit log's stream. */
  private record Writer(Logger logger, OutputStreamAppender<ILoggingEvent> appender) {

    static Writer to(FileOutputStream stream, AtomicReference<String> lastError) {
      LoggerContext context = new LoggerContext();
      context.setName("toolguard");
      context.setMDCAdapter(new LogbackMDCAdapter());
      context
          .getStatusManager()
          .add(
              status -> {
                if (status.getLevel() == Status.ERROR) {
                  Throwable cause = status.getThrowable();
                  lastError.set(cause != null ? cause.toString() : status.getMessage());
                }
              });

      LineEncoder encoder = new LineEncoder();
      encoder.setContext(context);
      encoder.start();

      OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
      appender.setContext(context);
      appender.setName("audit");
      appender.setEncoder(encoder);
      appender.setImmediateFlush(true);
      appender.setOutputStream(stream);
      appender.start();

      Logger logger = context.getLogger("io.toolguard.audit");
      logger.setAdditive(false);
      logger.setLevel(Level.INFO);
      logger.addAppender(appender);
      return new Writer(logger, appender);
    }
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
    Writer to = writer();
    to.logger().info(entry.toJson());
    if (!to.appender().isStarted()) {
      throw new IllegalStateException(
          "cannot write the audit log " + file + ": " + lastError.get());
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

  /** Writes each message as one line; a pattern layout would cost start-up time for nothing. */
  private static final class LineEncoder extends EncoderBase<ILoggingEvent> {

    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      return (event.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }
}
