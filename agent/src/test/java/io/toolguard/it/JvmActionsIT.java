package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inside a tool, actions that change the whole JVM, starting processes, and tampering with
 * toolguard, are denied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JvmActionsIT {

  @TempDir static Path dir;
  private ChildJvm.Result result;
  private List<String> lines;

  @BeforeAll
  void tryEverything() throws Exception {
    result = FileConfinementIT.run(dir.resolve("jvm"), "jvm");
    lines = result.stdout().lines().toList();
  }

  @TestFactory
  Stream<DynamicTest> eachActionIsDeniedInsideATool() {
    return lines.stream()
        .filter(line -> line.startsWith("JVM "))
        .map(
            line ->
                DynamicTest.dynamicTest(
                    line.substring(4).replaceAll(" (denied|NOT-DENIED.*)$", ""),
                    () -> assertThat(line).as(result.toString()).endsWith(" denied")));
  }

  @Test
  void theJvmKeptRunningAndOutsideToolsNothingChanged() {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lines).filteredOn(line -> line.startsWith("JVM ")).hasSize(18);
    assertThat(lines)
        .filteredOn(line -> line.startsWith("OUTSIDE "))
        .hasSize(4)
        .allMatch(line -> line.endsWith(" ok"));
  }

  @Test
  void eachDenialIsAudited() throws Exception {
    List<Map<String, String>> audit = AuditLines.read(dir.resolve("jvm/audit.jsonl"));

    assertThat(audit)
        .filteredOn(line -> "jvm".equals(line.get("event")))
        .anyMatch(
            line ->
                "exit the JVM".equals(line.get("action")) && "deny".equals(line.get("decision")))
        .anyMatch(
            line ->
                "open io.toolguard.bootstrap.Dispatcher.hooks by reflection"
                    .equals(line.get("action")));
    assertThat(audit)
        .filteredOn(line -> "exec".equals(line.get("event")))
        .anyMatch(
            line ->
                "true".equals(line.get("command"))
                    && "deny".equals(line.get("decision"))
                    && "the tool's rule grants no command (add an 'exec' list)"
                        .equals(line.get("reason")));
  }
}
