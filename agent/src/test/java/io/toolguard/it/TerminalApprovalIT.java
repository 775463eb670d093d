package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ApprovalApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal channel, with a real pseudo-terminal: the child JVM runs under {@code script}, its
 * standard streams go to files and /dev/null, and the test types the answers on the terminal.
 */
class TerminalApprovalIT {

  static final String POLICY =
      ApprovalPolicy.of("timeout: 30s\nterminal: true\n", "") + ApprovalPolicy.SECRETS;

  @TempDir Path dir;

  private String javaCommand(String... scenario) {
    return String.join(
        " ",
        ChildJvm.javaCommand(
                List.of(
                    "-javaagent:" + ChildJvm.AGENT_JAR + "=policy=policy.yaml,audit=audit.jsonl"),
                ApprovalApp.class,
                scenario)
            .stream()
            .map(arg -> "'" + arg + "'")
            .toList());
  }

  /** A child JVM on a terminal of its own, whose prompts the test reads and answers. */
  private final class Terminal implements AutoCloseable {
    private final Process process;
    private final InputStream screen;
    private final OutputStream keyboard;
    private final StringBuilder seen = new StringBuilder();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private int awaited;

    Terminal(String... scenario) throws IOException {
      Files.writeString(dir.resolve("policy.yaml"), POLICY);
      process =
          new ProcessBuilder(
                  "script",
                  "-qfec",
                  javaCommand(scenario) + " > out.txt 2> err.txt < /dev/null",
                  "/dev/null")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      screen = process.getInputStream();
      keyboard = process.getOutputStream();
    }

    /**
     * Waits until the terminal shows {@code text} after what was already awaited, and returns what
     * came before it.
     */
    String await(String text) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int from = awaited;
      while (seen.indexOf(text, from) < 0) {
        if (System.nanoTime() > deadline || !process.isAlive() && screen.available() == 0) {
          throw new AssertionError(
              "the terminal never showed '"
                  + text
                  + "'; it showed:\n"
                  + seen
                  + "\nstderr:\n"
                  + Files.readString(dir.resolve("err.txt")));
        }
        if (screen.available() > 0) {
          byte[] read = screen.readNBytes(screen.available());
          bytes.write(read);
          seen.append(new String(read, StandardCharsets.UTF_8).replace("\r", ""));
        } else {
          Thread.sleep(10);
        }
      }
      int at = seen.indexOf(text, from);
      awaited = at + text.length();
      return seen.substring(from, at);
    }

    /** {@return every byte the terminal received so far, exactly} */
    byte[] received() {
      return bytes.toByteArray();
    }

    void type(String line) throws IOException {
      keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
    }

    List<String> output() throws Exception {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
      return Files.readAllLines(dir.resolve("out.txt"));
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void eachAnswerTypedOnTheTerminalDecidesTheCallAndNothingReachesTheApplicationsOwnStreams()
      throws Exception {
    String user = System.getProperty("user.name");
    try (Terminal terminal = new Terminal("markers", "decisions")) {
      String first = terminal.await("Run it?");
      assertThat(first)
          .contains(
              "toolguard: approval needed [",
              "tool       transfer (io.toolguard.it.app.RiskyTools#transfer)," + " risk HIGH",
              "arguments  account=\"alice\", cents=100",
              "thread     main; ");
      terminal.type("y");
      assertThat(terminal.await("Run it?")).contains("cents=10000000");
      terminal.type("maybe");
      terminal.await("Please answer y, s, t, n or m.");
      terminal.await("Run it?");
      terminal.type("n");
      assertThat(terminal.await("Run it?")).contains("cents=20000000");
      terminal.type("m");
      terminal.await("Message for the model:");
      terminal.type("Not to that account.");
      assertThat(terminal.await("Run it?")).contains("purge", "risk CRITICAL");
      terminal.type("y");
      terminal.await("type the tool's name (purge) to confirm:");
      terminal.type("purg");
      terminal.await("That is not the tool's name; not approved.");
      terminal.await("Run it?");
      terminal.type("y");
      terminal.await("to confirm:");
      terminal.type("purge");

      List<String> output = terminal.output();
      assertThat(output).hasSize(4);
      assertThat(output.get(0)).isEqualTo("approved: ran");
      assertThat(output.get(1))
          .matches(
              "denied: denied: Tool 'transfer' was denied by toolguard: denied by \\Q"
                  + user
                  + "\\E via terminal after [0-9.]+ s \\[rule policy.yaml:7]");
      assertThat(output.subList(2, 4))
          .containsExactly("denied-with-message: denied: Not to that account.", "critical: ran");
    }
    assertThat(AuditLines.read(dir.resolve("audit.jsonl")))
        .filteredOn(line -> "approval".equals(line.get("event")))
        .extracting(line -> line.get("status") + " " + line.get("by") + " " + line.get("channel"))
        .containsExactly(
            "pending null null",
            "approve " + user + " terminal",
            "pending null null",
            "deny " + user + " terminal",
            "pending null null",
            "deny " + user + " terminal",
            "pending null null",
            "approve " + user + " terminal");
  }

  @Test
  void aHostileArgumentReachesTheTerminalEscapedAndALongOneShortenedWithTheWholeOnRequest()
      throws Exception {
    assertThat(ApprovalApp.HOSTILE)
        .as("raw, the argument would return the cursor, erase the line and conceal the rest")
        .contains("\r", "\u001b[2K", "\u001b[8m", "\u202e");
    try (Terminal terminal = new Terminal("markers", "hostile-and-long")) {
      String first = terminal.await("Run it?");
      assertThat(first)
          .contains(
              "  arguments  text=\"report.txt\\r\\e[2K  arguments  path=\"report.txt\"\\e[8m"
                  + " hidden\\u{202E}txt.exe\"\n")
          .containsPattern("approval needed \\[[0-9a-f]{16}] call [0-9a-f]{16}\n");
      terminal.type("y");
      String second = terminal.await("Run it?");
      assertThat(second)
          .contains(
              "  arguments  text=\""
                  + "a".repeat(200)
                  + "…"
                  + "z".repeat(80)
                  + "\" (1,281 chars)\n");
      assertThat(terminal.await(": ")).contains("f = show the arguments whole");
      terminal.type("f");
      assertThat(terminal.await("Run it?"))
          .contains(
              "  arguments (whole)  text=\"" + ApprovalApp.LONG.replace("\u001b", "\\e") + "\"\n");
      terminal.type("y");
      assertThat(terminal.output()).containsExactly("hostile: ran", "long: ran");

      String received = new String(terminal.received(), StandardCharsets.UTF_8);
      assertThat(received)
          .as("no ESC, no bidirectional override, no bare carriage return reached the terminal")
          .doesNotContain("\u001b", "\u202e")
          .doesNotContainPattern("\r(?!\n)");
    }
  }

  @Test
  void secretsReachTheTerminalOnlyAsTheirKindAndHash() throws Exception {
    assertThat(ApprovalApp.SECRET)
        .as("raw, the argument holds a private key, a bearer token and an order token")
        .contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "c2VjcmV0LXRva2VuLXZhbHVl")
        .contains("ot_Q7rT9xZ2");
    try (Terminal terminal = new Terminal("markers", "secret")) {
      String asked = terminal.await("Run it?");
      assertThat(asked)
          .containsPattern("\\[redacted private key sha256:[0-9a-f]{16}]")
          .containsPattern("\\[redacted bearer token sha256:[0-9a-f]{16}]")
          .containsPattern("\\[redacted order token sha256:[0-9a-f]{16}]");
      terminal.type("y");
      assertThat(terminal.output()).containsExactly("secret: ran");

      assertThat(new String(terminal.received(), StandardCharsets.UTF_8))
          .doesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "c2VjcmV0LXRva2VuLXZhbHVl")
          .doesNotContain("ot_Q7rT9xZ2");
    }
  }

  @Test
  void requestsFromSeveralThreadsAreAskedOneAtATime() throws Exception {
    try (Terminal terminal = new Terminal("markers", "concurrent", "3")) {
      for (int i = 0; i < 3; i++) {
        String prompt = terminal.await("Run it?");
        assertThat(prompt).as("one request per prompt").containsOnlyOnce("approval needed");
        terminal.type("y");
      }
      assertThat(terminal.output())
          .containsExactlyInAnyOrder("call 0: ran", "call 1: ran", "call 2: ran");
    }
  }

  @Test
  void withoutAControllingTerminalTheChannelStandsDownAndSaysSo() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    List<String> command = new java.util.ArrayList<>(List.of("setsid", "-w"));
    // setsid: a new session has no controlling terminal, even when the build runs in one.
    command.addAll(
        ChildJvm.javaCommand(
            List.of("-javaagent:" + ChildJvm.AGENT_JAR + "=policy=policy.yaml,audit=audit.jsonl"),
            ApprovalApp.class,
            "markers",
            "one"));
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(Files.readString(dir.resolve("err.txt")))
        .contains(
            "toolguard: approval terminal is off: no controlling terminal (/dev/tty (No such device or address))");
    assertThat(Files.readString(dir.resolve("out.txt")))
        .startsWith(
            "one: denied: Tool 'transfer' was denied by"
                + " toolguard: approval required, but no approval channel is on");
  }
}
