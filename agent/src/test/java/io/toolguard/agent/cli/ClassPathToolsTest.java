package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate} and {@code explain} with {@code --classpath}: parameter names read from class
 * files (here the test classes, whose {@code mail} tool names its first parameter with
 * LangChain4j's {@code @P(name = "recipient")} and leaves the others to the class file, compiled
 * without {@code -parameters}), never by loading a class.
 */
class ClassPathToolsTest {

  @TempDir Path dir;

  private final CommandLine cli = new CommandLine();

  private static String testClasses() throws Exception {
    return Path.of(
            ClassPathToolsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }

  private Path policy() throws Exception {
    return Files.writeString(
        dir.resolve("app.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          mail:
            decision: allow
            when:
              recipient: {glob: "*@example.com"}
              too: {max_length: 3}
            withhold_secret_results: true
          "mai*":
            decision: deny
            when:
              subject: {glob: "*urgent*"}
          ghost:
            decision: allow
            when:
              x: {max: 1}
        """);
  }

  @Test
  void validateWarnsOfConditionsOnParametersTheToolsDoNotHave() throws Exception {
    String policy = policy().toString();

    assertThat(cli.run("validate", "--classpath", testClasses(), policy)).isEqualTo(Cli.OK);

    assertThat(cli.err())
        .contains(
            policy
                + ":8:7: warning: the condition of rule 'mail' is on 'too', a parameter no tool it"
                + " names has (parameters: recipient, body, copies (io.toolguard.agent.tool"
                + ".ToolAnnotationsTest$Named#mail)); it can never hold, so the rule never applies",
            policy
                + ":13:7: warning: the condition of rule 'mai*' is on 'subject', a parameter no"
                + " tool it names has",
            "toolguard cannot tell whether it holds, so the deny rule applies to every call",
            policy + ":14:3: warning: no tool that rule 'ghost' names was found on the class path")
        .doesNotContain("'recipient', a parameter");
    assertThat(cli.run("validate", "--strict", "--classpath", testClasses(), policy))
        .isEqualTo(Cli.FAILED);
  }

  @Test
  void explainListsTheToolsParametersAndAnArgumentThatNamesNone() throws Exception {
    assertThat(
            cli.run(
                "explain",
                policy().toString(),
                "--tool",
                "mail",
                "--classpath",
                testClasses(),
                "--arg",
                "recipient=ann@example.com",
                "--arg",
                "to=ann@example.com"))
        .isEqualTo(Cli.OK);

    assertThat(cli.out())
        .contains(
            "  parameters     recipient, body, copies"
                + " (io.toolguard.agent.tool.ToolAnnotationsTest$Named#mail)\n",
            "  note           --arg to names no parameter of the tool\n",
            "'mail' (allow, withholds results holding secrets, when recipient")
        .doesNotContain("--arg recipient names");
  }

  /** A tool whose class says when it is initialised; no test refers to it but by its name. */
  static final class Loud {
    static {
      System.setProperty("toolguard.test.loud", "initialised");
    }

    @io.toolguard.api.Tool(name = "loud")
    public String shout(String words, int times) {
      return words.repeat(times);
    }
  }

  @Test
  void theToolsClassesAreReadNeverInitialised() throws Exception {
    // The API's annotation is read from its own class file, so its jar is on the class path too.
    String api =
        Path.of(
                io.toolguard.api.Tool.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())
            .toString();
    assertThat(
            cli.run(
                "explain",
                policy().toString(),
                "--tool",
                "loud",
                "--classpath",
                testClasses() + java.io.File.pathSeparator + api))
        .isEqualTo(Cli.OK);

    assertThat(cli.out())
        .contains(
            "  parameters     words, times (io.toolguard.agent.cli.ClassPathToolsTest$Loud#shout)");
    assertThat(System.getProperty("toolguard.test.loud")).isNull();
  }

  @Test
  void aMissingClassPathEntryIsAUsageError() throws Exception {
    assertThat(
            cli.run(
                "validate",
                "--classpath",
                dir.resolve("missing.jar").toString(),
                policy().toString()))
        .isEqualTo(Cli.USAGE);
    assertThat(cli.err()).contains("missing.jar: no such jar or folder on the class path");
  }
}
