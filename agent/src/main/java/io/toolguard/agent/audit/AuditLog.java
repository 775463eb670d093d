package io.toolguard.agent.audit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.status.Status;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The audit log: one JSON object per decision, written through SLF4J to a Logback context that
 * belongs to the agent alone.
 *
 * <p>The context is built in code and never auto-configured, so the application's
 * {@code logback.xml}, {@code logback.configurationFile} and SLF4J binding are neither read nor
 * changed. Each line is flushed to the operating system before the call it records goes on, so no
 * line is lost when the application exits, by {@code System.exit} or otherwise. A line that cannot
 * be written is reported to the caller, which denies the call.
 */
public final class AuditLog {

  private final Path file;
  private final Logger logger;
  private final AtomicReference<Status> lastError;

  private AuditLog(Path file, Logger logger, AtomicReference<Status> lastError) {
    this.file = file;
    this.logger = logger;
    this.lastError = lastError;
  }

  /**
   * Opens (appends to) the audit log file, creating missing folders.
   *
   * @throws IllegalStateException saying why the file cannot be written
   */
  public static AuditLog open(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    LoggerContext context = new LoggerContext();
    context.setName("toolguard");
    context.setMDCAdapter(new LogbackMDCAdapter());
    AtomicReference<Status> lastError = new AtomicReference<>();
    context.getStatusManager().add(status -> {
      if (status.getLevel() == Status.ERROR) {
        lastError.set(status);
      }
    });

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();

    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("audit");
    appender.setFile(absolute.toString());
    appender.setAppend(true);
    appender.setImmediateFlush(true);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new IllegalStateException("cannot write the audit log " + absolute + ": " + firstError(context));
    }

    Logger logger = context.getLogger("io.toolguard.audit");
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    return new AuditLog(absolute, logger, lastError);
  }

  private static String firstError(LoggerContext context) {
    for (Status status : context.getStatusManager().getCopyOfStatusList()) {
      if (status.getLevel() == Status.ERROR) {
        Throwable cause = status.getThrowable();
        return cause != null ? cause.toString() : status.getMessage();
      }
    }
    return "unknown error";
  }

  /** {@return the absolute path of the log file} */
  public Path file() {
    return file;
  }

  /**
   * Writes one record and waits until it reached the file.
   *
   * @throws IllegalStateException if the line could not be written
   */
  public void write(AuditRecord record) {
    Status before = lastError.get();
    logger.info(record.toJson());
    Status after = lastError.get();
    if (after != before) {
      Throwable cause = after.getThrowable();
      throw new IllegalStateException("cannot write the audit log " + file + ": "
          + (cause != null ? cause.toString() : after.getMessage()), cause);
    }
  }
}
