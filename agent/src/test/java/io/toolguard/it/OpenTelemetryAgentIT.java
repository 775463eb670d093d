package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenTelemetry Java agent, which also weaves the JDK's executors, threads and I/O, in the same
 * JVM, started before or after toolguard: every hand-off route still carries the tool's context,
 * work that did not come from a tool is still free, and both agents start cleanly.
 */
class OpenTelemetryAgentIT {

  static final List<String> OPEN_TELEMETRY =
      List.of(
          "-javaagent:" + System.getProperty("toolguard.it.openTelemetryAgent"),
          "-Dotel.traces.exporter=none",
          "-Dotel.metrics.exporter=none",
          "-Dotel.logs.exporter=none",
          "-Dotel.service.name=toolguard-it");

  @TempDir Path dir;

  @ParameterizedTest(name = "OpenTelemetry {0} toolguard")
  @ValueSource(strings = {"before", "after"})
  void everyHandOffIsStillConfined(String order) throws Exception {
    List<String> before = order.equals("before") ? OPEN_TELEMETRY : List.of();
    List<String> after = order.equals("after") ? OPEN_TELEMETRY : List.of();

    ChildJvm.Result result = FileConfinementIT.run(dir, before, after, "handoff");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stderr())
        .as(result.toString())
        .contains("opentelemetry-javaagent - version: ", "toolguard 0.1.0")
        .doesNotContain("toolguard: ERROR", "Exception");
    List<String> lines = result.stdout().lines().toList();
    assertThat(lines)
        .as(result.toString())
        .filteredOn(line -> line.startsWith("HANDOFF "))
        .hasSize(30)
        .allMatch(line -> line.matches(".* inside=(ok|skipped) outside=(denied|skipped)"));
    if (Runtime.version().feature() >= 21) {
      assertThat(lines).as(result.toString()).noneMatch(line -> line.contains("skipped"));
    }
    assertThat(lines)
        .filteredOn(line -> line.startsWith("SHARED "))
        .hasSize(5)
        .allMatch(line -> line.endsWith(" ok"));
  }
}
