package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.guard.ToolMethod;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolScanTest {

  @Test
  void findsToolsMarkedDirectlyAndThroughAnAnnotationStandingForSpringAisTool() throws Exception {
    Path testClasses =
        Path.of(ToolScanTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());

    List<String> found =
        ToolScan.toolsIn(List.of(testClasses), List.of()).stream()
            .map(ToolMethod::signature)
            .toList();

    assertThat(found)
        .contains(
            ToolAnnotationsTest.Direct.class.getName() + "#lookup",
            ToolClassFilterTest.Briefings.class.getName() + "#brief",
            ToolClassFilterTest.Digests.class.getName() + "#digest",
            ToolClassFilterTest.Briefer.class.getName() + "#recap")
        .doesNotContain(ToolClassFilterTest.Mentions.class.getName() + "#nameOf");
  }
}
