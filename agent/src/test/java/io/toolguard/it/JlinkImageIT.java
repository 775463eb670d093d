package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application linked into its own run-time image with {@code jlink}: its modules sit in the
 * image beside the JDK's and are defined by the application class loader, as a few of the JDK's
 * are. Its tools are still the application's code: a thread one starts, a class it initialises and
 * the environment it reads are confined to its grants, as on the module path. Without the agent
 * each reads the secret; with it, none does.
 */
class JlinkImageIT {

  private static final String SECRET = "the secret outside the sandbox";

  private static final String TOOLS =
      """
      package probe.mod;

      import java.nio.file.Files;
      import java.nio.file.Path;

      public class Tools {
        static String secret;

        static String read() {
          try {
            return Files.readString(Path.of(secret)).strip();
          } catch (Throwable denied) {
            return "denied: " + denied;
          }
        }

        @AgentAction
        public String threadRead() throws Exception {
          String[] read = new String[1];
          Thread thread = new Thread(() -> read[0] = read());
          thread.start();
          thread.join();
          return read[0];
        }

        static final class Init {
          static final String READ = read();
        }

        @AgentAction
        public String initialiserRead() {
          return Init.READ;
        }

        @AgentAction
        public String environmentRead() {
          return String.valueOf(System.getenv("PROBE_SECRET"));
        }

        public static void main(String[] args) throws Exception {
          secret = args[0];
          Tools tools = new Tools();
          System.out.println("thread: " + tools.threadRead());
          System.out.println("initialiser: " + tools.initialiserRead());
          System.out.println("environment: " + tools.environmentRead());
        }
      }
      """;

  private static final String ANNOTATION =
      """
      package probe.mod;

      import java.lang.annotation.ElementType;
      import java.lang.annotation.Retention;
      import java.lang.annotation.RetentionPolicy;
      import java.lang.annotation.Target;

      @Retention(RetentionPolicy.RUNTIME)
      @Target(ElementType.METHOD)
      public @interface AgentAction {}
      """;

  @TempDir Path dir;

  @Test
  void aLinkedApplicationsToolsAreTheApplicationsCode() throws Exception {
    Path jdk = Path.of(System.getProperty("java.home"));
    Path sources = dir.resolve("src/probe.mod/probe/mod");
    Files.createDirectories(sources);
    Files.writeString(dir.resolve("src/probe.mod/module-info.java"), "module probe.mod {}\n");
    Files.writeString(sources.resolve("Tools.java"), TOOLS);
    Files.writeString(sources.resolve("AgentAction.java"), ANNOTATION);
    run(
        jdk.resolve("bin/javac").toString(),
        "-d",
        dir.resolve("mods/probe.mod").toString(),
        sources.resolve("Tools.java").toString(),
        sources.resolve("AgentAction.java").toString(),
        dir.resolve("src/probe.mod/module-info.java").toString());
    Path jmods = jdk.resolve("jmods");
    String modulePath =
        (Files.isDirectory(jmods) ? jmods + File.pathSeparator : "") + dir.resolve("mods");
    Process link =
        process(
            jdk.resolve("bin/jlink").toString(),
            "--module-path",
            modulePath,
            "--add-modules",
            "probe.mod,java.instrument,jdk.httpserver,jdk.attach,java.logging,jdk.unsupported,"
                + "java.management,java.net.http",
            "--output",
            dir.resolve("img").toString());
    assumeTrue(
        link.waitFor() == 0,
        "this JDK cannot link a run-time image (no jmods, not linkable from its own image)");

    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    Files.createDirectories(dir.resolve("box"));
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tool_annotations: [probe.mod.AgentAction]
        tools:
          "*":
            decision: allow
            risk: LOW
        """);

    String without = output(image(secret));
    assertThat(without)
        .contains("thread: " + SECRET, "initialiser: " + SECRET, "environment: hunter2");

    String with =
        output(
            image(
                secret,
                "-javaagent:"
                    + ChildJvm.AGENT_JAR
                    + "=policy="
                    + dir.resolve("policy.yaml")
                    + ",audit="
                    + dir.resolve("audit.jsonl")));
    assertThat(with)
        .as(with)
        .doesNotContain(SECRET)
        .contains("thread: denied: java.lang.SecurityException")
        .contains("initialiser: denied: java.lang.SecurityException")
        .contains("environment: null");
  }

  /** {@return the command that runs the linked application in its image} */
  private List<String> image(Path secret, String... jvmArgs) {
    List<String> command = new ArrayList<>();
    command.add(dir.resolve("img/bin/java").toString());
    command.add("--add-modules");
    command.add("ALL-SYSTEM");
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-m", "probe.mod/probe.mod.Tools", secret.toString()));
    return command;
  }

  private String output(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("PROBE_SECRET", "hunter2");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Path out = dir.resolve("out.txt");
    Process process = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ran within 60 s: %s", command).isTrue();
    return Files.readString(out);
  }

  private void run(String... command) throws Exception {
    Process process = process(command);
    assertThat(process.waitFor()).as("%s", List.of(command)).isZero();
  }

  private Process process(String... command) throws Exception {
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("build.txt").toFile())
        .start();
  }
}
