package io.toolguard.it.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.status.Status;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The application's own Logback, rolling its log file (outside the sandbox) while a tool logs:
 * {@code LogbackWork BASE}. Prints {@code LOGBACK files=N errors=M}.
 */
public final class LogbackWork {

  private LogbackWork() {}

  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args[0]).resolve("logs");
    Files.createDirectories(logs);
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    context.reset();
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setFile(logs.resolve("app.log").toString());
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(logs.resolve("app.%i.log").toString());
    rolling.setMinIndex(1);
    rolling.setMaxIndex(3);
    rolling.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.start();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    appender.setEncoder(encoder);
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.start();
    ch.qos.logback.classic.Logger logger = context.getLogger("tool");
    logger.addAppender(appender);

    FileRoutesApp.fs(
        () -> {
          for (int i = 0; i < 3; i++) {
            logger.info("a line logged by the tool before rollover " + i);
            appender.rollover();
          }
          return null;
        });
    appender.stop();
    long errors =
        context.getStatusManager().getCopyOfStatusList().stream()
            .filter(status -> status.getLevel() == Status.ERROR)
            .peek(status -> System.out.println("STATUS " + status))
            .count();
    try (var files = Files.list(logs)) {
      System.out.println("LOGBACK files=" + files.count() + " errors=" + errors);
    }
  }
}
