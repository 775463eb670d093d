package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool whose grants cover only its sandbox hands a read of an outside file to another thread by
 * each route; the read is denied there too, while work that did not come from a tool is not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandOffIT {

  @TempDir static Path dir;
  private ChildJvm.Result result;
  private List<String> lines;

  @BeforeAll
  void handOffEverything() throws Exception {
    // Four common-pool workers, so that a parallel stream's pieces really run on other threads.
    result =
        FileConfinementIT.run(
            dir.resolve("handoff"),
            List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4"),
            "handoff");
    lines = result.stdout().lines().toList();
  }

  @TestFactory
  Stream<DynamicTest> theToolsContextFollowsEachHandOff() {
    return lines.stream()
        .filter(line -> line.startsWith("HANDOFF "))
        .map(
            line ->
                DynamicTest.dynamicTest(
                    line.substring(8, line.indexOf(" inside=")),
                    () ->
                        assertThat(line)
                            .as(result.toString())
                            .matches(".* inside=(ok|skipped) outside=(denied|skipped)")));
  }

  @Test
  void everyRouteRan() {
    assertThat(lines)
        .as(result.toString())
        .filteredOn(line -> line.startsWith("HANDOFF "))
        .hasSize(30);
    assertThat(result.exitCode()).isZero();
    if (Runtime.version().feature() >= 21) {
      assertThat(lines).noneMatch(line -> line.contains("skipped"));
    }
  }

  @Test
  void withoutTheAgentEveryHandOffReadsTheOutsideFile() throws Exception {
    ChildJvm.Result free =
        FileConfinementIT.runWithoutTheAgent(
            dir.resolve("without-agent"),
            List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4"),
            "handoff");

    List<String> handOffs =
        free.stdout().lines().filter(line -> line.startsWith("HANDOFF ")).toList();
    assertThat(handOffs)
        .as(free.toString())
        .hasSize(30)
        .allMatch(line -> line.matches(".* inside=(ok|skipped) outside=(ok|skipped)"));
    assertThat(handOffs)
        .extracting(line -> line.substring(8, line.indexOf(" inside=")))
        .containsExactlyElementsOf(
            lines.stream()
                .filter(line -> line.startsWith("HANDOFF "))
                .map(line -> line.substring(8, line.indexOf(" inside=")))
                .toList());
    if (Runtime.version().feature() >= 21) {
      assertThat(handOffs).noneMatch(line -> line.contains("skipped"));
    }
  }

  @Test
  void workThatDidNotComeFromAToolIsNeverRestricted() {
    assertThat(lines)
        .as(result.toString())
        .filteredOn(line -> line.startsWith("SHARED "))
        .hasSize(5)
        .allMatch(line -> line.endsWith(" ok"));
  }
}
