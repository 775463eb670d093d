package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every command block of README.md marked runnable, in order, in a fresh folder laid out as
 * the repository is after a build, and checks its exit status and output: the README cannot drift
 * from what the commands do.
 *
 * <p>The marker is an HTML comment right before the fenced block (invisible on GitHub):
 *
 * <pre>
 * &lt;!-- runnable: exit 0; terminal m | a message | y
 * expect: a text the output must contain
 * --&gt;
 * </pre>
 *
 * <p>{@code exit N} is the expected exit status. {@code terminal A | B | …} runs the block on a
 * pseudo-terminal of its own and types each answer, then Enter, at each approval prompt in turn;
 * without it the block runs with no controlling terminal. Each {@code expect:} line must appear in
 * stdout, stderr or the terminal. In a block whose commands start with {@code $ }, the other lines
 * are output, and each must appear too. A block's lines are run by bash, one after another, and
 * blocks share their folder, so a later block sees what an earlier one left (the audit log that
 * {@code suggest} reads). The build that runs this test has built the jars, so a leading {@code mvn
 * … package … &&} is left out.
 */
class ReadmeIT {

  static final Path README = ChildJvm.POLICIES.getParent().resolve("README.md");
  private static final Pattern MARKED =
      Pattern.compile(
          "^<!-- runnable: (.*?)-->\\s*\\n```[a-z]*\\n(.*?)\\n```",
          Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern BUILD = Pattern.compile("^mvn [^&]*\\bpackage\\b[^&]*&& ");
  private static final Pattern PROMPT =
      Pattern.compile("m = no with a message: |Message for the model: |type its name: ");

  @TempDir Path dir;

  /** A marked block: what to run and what must come of it. */
  record Block(int line, int exit, List<String> answers, List<String> expected, String commands) {}

  static List<Block> blocks(String readme) {
    List<Block> blocks = new ArrayList<>();
    Matcher marked = MARKED.matcher(readme);
    while (marked.find()) {
      int line = (int) readme.substring(0, marked.start()).lines().count() + 1;
      List<String> header = marked.group(1).strip().lines().map(String::strip).toList();
      int exit = -1;
      List<String> answers = List.of();
      List<String> expected = new ArrayList<>();
      for (String part : header.get(0).split(";")) {
        String setting = part.strip();
        if (setting.startsWith("exit ")) {
          exit = Integer.parseInt(setting.substring(5).strip());
        } else if (setting.startsWith("terminal ")) {
          answers = Arrays.stream(setting.substring(9).split("\\|")).map(String::strip).toList();
        } else {
          throw new AssertionError("README.md:" + line + ": unknown runnable setting " + setting);
        }
      }
      for (String more : header.subList(1, header.size())) {
        assertThat(more).as("README.md:%d: a marker line", line).startsWith("expect: ");
        expected.add(more.substring(8));
      }
      assertThat(exit).as("README.md:%d: the marker names the exit status", line).isNotNegative();
      List<String> commands = new ArrayList<>();
      List<String> lines = marked.group(2).lines().toList();
      boolean prompted = lines.get(0).startsWith("$ ");
      for (String text : lines) {
        if (!prompted) {
          commands.add(text);
        } else if (text.startsWith("$ ")) {
          commands.add(text.substring(2));
        } else if (!text.isBlank()) {
          expected.add(text.stripTrailing());
        }
      }
      commands.replaceAll(command -> BUILD.matcher(command).replaceFirst(""));
      blocks.add(new Block(line, exit, answers, expected, String.join("\n", commands)));
    }
    return blocks;
  }

  @Test
  void everyRunnableCommandOfTheReadmeWorksAsWritten() throws Exception {
    List<Block> blocks = blocks(Files.readString(README));
    assertThat(blocks).as("runnable blocks in %s", README).hasSizeGreaterThanOrEqualTo(6);
    layOutTheBuiltRepository();

    for (Block block : blocks) {
      Run run = block.answers().isEmpty() ? run(block) : runOnATerminal(block);
      String all = run.stdout() + "\n" + run.stderr() + "\n" + run.terminal();
      assertThat(run.exit())
          .as("README.md:%d: exit status of\n%s\n%s", block.line(), block.commands(), all)
          .isEqualTo(block.exit());
      for (String expected : block.expected()) {
        assertThat(all)
            .as("README.md:%d: output of\n%s", block.line(), block.commands())
            .contains(expected);
      }
    }
    // The suggest round trip read a log holding a person's decisions, not only an audit run.
    assertThat(Files.readString(dir.resolve("toolguard-audit.jsonl")))
        .contains("\"event\":\"approval\"", "\"waited_ms\":", "\"decision\":\"would-deny\"");
    assertThat(Files.readString(dir.resolve("policies/suggested.yaml")))
        .contains("# not granted: read /etc/passwd")
        .doesNotContain("- \"/etc/passwd\"");
  }

  @Test
  void theCompanyBaselineOfTheReadmeValidatesByItselfAndUnderItsApplicationPolicy()
      throws Exception {
    String readme = Files.readString(README);
    Files.createDirectories(dir.resolve("company"));
    Files.writeString(
        dir.resolve("company/baseline.yaml"), yamlBlock(readme, "# company/baseline.yaml"));
    Files.writeString(dir.resolve("app.yaml"), yamlBlock(readme, "# the application's policy"));

    ChildJvm.Result alone =
        ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "validate", "company/baseline.yaml");
    ChildJvm.Result base =
        ChildJvm.in(dir)
            .jar(ChildJvm.AGENT_JAR, "validate", "--base", "--strict", "company/baseline.yaml");
    ChildJvm.Result app =
        ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "validate", "--strict", "app.yaml");

    assertThat(alone.exitCode()).as(alone.toString()).isEqualTo(1);
    assertThat(alone.stderr()).contains("check it alone with validate --base");
    assertThat(base.exitCode()).as(base.toString()).isZero();
    assertThat(base.stdout()).contains("company/baseline.yaml: valid baseline");
    assertThat(app.exitCode()).as(app.toString()).isZero();
    assertThat(app.stdout()).contains("app.yaml: valid (3 tool rules");
  }

  /** {@return the README's yaml block that starts with {@code firstLine}} */
  private static String yamlBlock(String readme, String firstLine) {
    int start = readme.indexOf("```yaml\n" + firstLine);
    assertThat(start).as("a yaml block starting with %s", firstLine).isNotNegative();
    int from = readme.indexOf('\n', start) + 1;
    return readme.substring(from, readme.indexOf("\n```", from) + 1);
  }

  @Test
  void theSampleIsBuiltWithParameterNames() throws Exception {
    try (URLClassLoader sample =
        new URLClassLoader(new URL[] {ChildJvm.SAMPLE_JAR.toUri().toURL()}, null)) {
      Class<?> tools = sample.loadClass("io.toolguard.sample.AgentTools");
      Method deleteFile =
          Arrays.stream(tools.getDeclaredMethods())
              .filter(method -> method.getName().equals("deleteFile"))
              .findFirst()
              .orElseThrow();
      assertThat(deleteFile.getParameters()[0].isNamePresent()).isTrue();
      assertThat(deleteFile.getParameters()[0].getName()).isEqualTo("path");
    }
  }

  /**
   * The repository's layout after a build: the jars in place, the policies as files of their own.
   */
  private void layOutTheBuiltRepository() throws IOException {
    link(dir.resolve("agent/target/toolguard-agent.jar"), ChildJvm.AGENT_JAR);
    link(dir.resolve("sample-app/target/toolguard-sample-app.jar"), ChildJvm.SAMPLE_JAR);
    copyFolder(ChildJvm.POLICIES, dir.resolve("policies"));
    try (Stream<Path> examples = Files.list(ChildJvm.EXAMPLES)) {
      for (Path example : examples.filter(Files::isDirectory).toList()) {
        Path to = dir.resolve("examples").resolve(example.getFileName().toString());
        Files.createDirectories(to);
        if (Files.exists(example.resolve("policy.yaml"))) {
          Files.copy(example.resolve("policy.yaml"), to.resolve("policy.yaml"));
        }
        if (Files.isDirectory(example.resolve("target"))) {
          Files.createSymbolicLink(
              to.resolve("target"), example.resolve("target").toAbsolutePath());
        }
      }
    }
  }

  private static void link(Path link, Path target) throws IOException {
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, target.toAbsolutePath());
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, to.resolve(file.getFileName().toString()));
      }
    }
  }

  record Run(int exit, String stdout, String stderr, String terminal) {}

  /** Runs a block with no controlling terminal (setsid), as a service would. */
  private Run run(Block block) throws Exception {
    Path out = dir.resolve(".out.txt");
    Path err = dir.resolve(".err.txt");
    ProcessBuilder builder =
        new ProcessBuilder("setsid", "-w", "bash", "-eu", "-c", block.commands())
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    environment(builder);
    Process process = builder.start();
    awaitEnd(process, block);
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err), "");
  }

  /** Runs a block on a pseudo-terminal of its own (script), answering its prompts in turn. */
  private Run runOnATerminal(Block block) throws Exception {
    Path script = dir.resolve(".block.sh");
    Files.writeString(script, block.commands() + "\n");
    ProcessBuilder builder =
        new ProcessBuilder(
                "script",
                "-qfec",
                "bash -eu .block.sh > .out.txt 2> .err.txt < /dev/null",
                "/dev/null")
            .directory(dir.toFile())
            .redirectErrorStream(true);
    environment(builder);
    Process process = builder.start();
    StringBuilder screen = new StringBuilder();
    InputStream in = process.getInputStream();
    OutputStream keyboard = process.getOutputStream();
    int typed = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (process.isAlive() || in.available() > 0) {
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new AssertionError(
            "README.md:"
                + block.line()
                + ": still running after 120 s; the terminal showed:\n"
                + screen);
      }
      if (in.available() > 0) {
        screen.append(
            new String(in.readNBytes(in.available()), StandardCharsets.UTF_8).replace("\r", ""));
      } else {
        Thread.sleep(20);
      }
      long prompts = PROMPT.matcher(screen).results().count();
      if (prompts > typed && typed < block.answers().size()) {
        keyboard.write((block.answers().get(typed++) + "\n").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
      }
    }
    assertThat(typed)
        .as("README.md:%d: answers typed; the terminal showed:\n%s", block.line(), screen)
        .isEqualTo(block.answers().size());
    return new Run(
        process.waitFor(),
        Files.readString(dir.resolve(".out.txt")),
        Files.readString(dir.resolve(".err.txt")),
        screen.toString());
  }

  /** The commands run on the JDK that runs the tests, with nothing toolguard reads set. */
  private static void environment(ProcessBuilder builder) {
    var environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("TOOLGUARD_"));
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.put(
        "PATH",
        Path.of(System.getProperty("java.home"), "bin")
            + ":"
            + environment.getOrDefault("PATH", ""));
  }

  private static void awaitEnd(Process process, Block block) throws InterruptedException {
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("README.md:" + block.line() + ": still running after 120 s");
    }
  }
}
