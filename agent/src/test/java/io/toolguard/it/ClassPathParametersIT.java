package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code validate} and {@code explain} with {@code --classpath} on the framework examples' jars:
 * the tools' parameter names come from their class files as the agent reads them at run time (the
 * examples are compiled with {@code -parameters}; Spring AI's {@code send_email} is declared on an
 * interface), and a condition on a misspelt name is a warning naming the real ones.
 */
class ClassPathParametersIT {

  @TempDir Path dir;

  private static Path jar(String example) {
    return ChildJvm.EXAMPLES.resolve(example + "/target/toolguard-example-" + example + ".jar");
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void conditionNamesAreCheckedAgainstTheToolsParameters(String example) throws Exception {
    Path policy =
        Files.writeString(
            dir.resolve("policy.yaml"),
            """
            version: 1
            sandbox: workspace
            tools:
              send_email:
                decision: allow
                when:
                  to: {glob: "*@example.com"}
                  bdy: {max_length: 2000}
            """);

    ChildJvm.Result validated =
        ChildJvm.in(dir)
            .jar(
                ChildJvm.AGENT_JAR,
                "validate",
                "--classpath",
                jar(example).toString(),
                policy.toString());
    ChildJvm.Result explained =
        ChildJvm.in(dir)
            .jar(
                ChildJvm.AGENT_JAR,
                "explain",
                policy.toString(),
                "--tool",
                "send_email",
                "--classpath",
                jar(example).toString(),
                "--arg",
                "to=ann@example.com");

    assertThat(validated.exitCode()).as(validated.toString()).isZero();
    assertThat(validated.stderr())
        .as(validated.toString())
        .contains(
            policy
                + ":8:7: warning: the condition of rule 'send_email' is on 'bdy', a parameter no"
                + " tool it names has (parameters: to, body (io.toolguard.examples.")
        .doesNotContain("is on 'to'");
    assertThat(explained.exitCode()).as(explained.toString()).isZero();
    assertThat(explained.stdout())
        .as(explained.toString())
        .contains("  parameters     to, body (io.toolguard.examples.")
        .doesNotContain("--arg to names");
  }
}
