package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ExhaustedStackApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool that exhausts its stack before it makes the JVM load a class gets no class defined as it
 * is: the hooked JDK classes are all woven at start-up, and toolguard's transformers refuse a class
 * they could not look at. When {@code LogManager} was woven as it loaded, the JVM defined it
 * unwoven where its call to the transformers ran out of stack, and the tool reset the JVM's
 * logging.
 */
class ExhaustedStackIT {

  private static final String POLICY =
      """
      version: 1
      sandbox: .
      tools:
        dive:
          decision: allow
        late:
          decision: deny
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeThePolicy() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
  }

  @Test
  void withoutTheAgentTheToolResetsLoggingAndRunsTheLateTool() throws Exception {
    ChildJvm.Result logging = ChildJvm.in(dir).app(ExhaustedStackApp.class, "logging");
    ChildJvm.Result tools = ChildJvm.in(dir).app(ExhaustedStackApp.class, "tools");

    assertThat(logging.stdout()).as(logging.toString()).contains("logging: reset");
    assertThat(tools.stdout()).as(tools.toString()).contains("late: ran");
    assertThat(dir.resolve("late-ran")).exists();
  }

  @Test
  void withTheAgentTheClassesLoadedAtTheEdgeOfTheStackAreWoven() throws Exception {
    for (int run = 0; run < 3; run++) {
      ChildJvm.Result logging =
          ChildJvm.in(dir).agent("policy=policy.yaml").app(ExhaustedStackApp.class, "logging");
      ChildJvm.Result tools =
          ChildJvm.in(dir).agent("policy=policy.yaml").app(ExhaustedStackApp.class, "tools");

      assertThat(logging.exitCode()).as(logging.toString()).isZero();
      assertThat(logging.stdout())
          .as(logging.toString())
          .doesNotContain("logging: reset")
          .contains("refused: ");
      assertThat(tools.exitCode()).as(tools.toString()).isZero();
      assertThat(tools.stdout())
          .as(tools.toString())
          .doesNotContain("late: ran")
          .contains("refused: Tool 'late' was denied by toolguard");
      assertThat(dir.resolve("late-ran")).doesNotExist();
    }
  }
}
