package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ExhaustedStackApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application with its own Byte Buddy, SLF4J, Logback and logback.xml keeps them all. */
class HostApplicationIT {

  @TempDir Path dir;

  @Test
  void theApplicationKeepsItsOwnLibrariesAndLogging() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    Path[] classPath;
    try (Stream<Path> libs = Files.list(ChildJvm.HOST_APP_LIBS)) {
      classPath =
          Stream.concat(
                  Stream.of(ChildJvm.HOST_APP_CONFIG, ChildJvm.testClasses(), ChildJvm.apiJar()),
                  libs.sorted())
              .toArray(Path[]::new);
    }

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml")
            .main(ChildJvm.classPath(classPath), "io.toolguard.it.app.HostApp", "markers");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .as(result.toString())
        .contains(
            "HOSTLOG HostApp host app logging works",
            "slf4j factory: ch.qos.logback.classic.LoggerContext",
            "byte-buddy-" + System.getProperty("toolguard.it.byteBuddyVersion") + ".jar",
            "generated: io.toolguard.it.app.Generated",
            "lookup: ran",
            "wipe: denied",
            "HOSTLOG HostApp host app done");
    assertThat(result.stderr()).doesNotContain("SLF4J", "logback", "WARN");
    assertThat(AuditLines.calls(dir.resolve("toolguard-audit.jsonl")))
        .extracting(line -> line.get("tool") + " " + line.get("decision"))
        .containsExactly("lookup allow", "wipe deny");
    // The application's logback.xml shaped the application's log lines only, never the audit log.
    assertThat(Files.readString(dir.resolve("toolguard-audit.jsonl"))).doesNotContain("HOSTLOG");
  }

  @Test
  void theAgentLeavesJavaUtilLoggingUninitialisedForTheApplicationToConfigure() throws Exception {
    // Servers such as WildFly install their own LogManager first thing in main, which only works if
    // nobody initialised JUL before. toolguard loads LogManager to weave it, but never initialises
    // it.
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml").app(ExhaustedStackApp.class, "manager");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("log manager: OwnLogManager");
  }
}
