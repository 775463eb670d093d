package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ToolApp;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Launches a real child JVM, usually with the built agent jar attached, and collects what it did.
 */
final class ChildJvm {

  static final Path AGENT_JAR = Path.of(System.getProperty("toolguard.it.agentJar"));
  static final Path SAMPLE_JAR = Path.of(System.getProperty("toolguard.it.sampleJar"));
  static final Path EXAMPLES = Path.of(System.getProperty("toolguard.it.examples"));
  static final Path POLICIES = Path.of(System.getProperty("toolguard.it.policies"));
  static final Path HOST_APP_LIBS = Path.of(System.getProperty("toolguard.it.hostAppLibs"));
  static final Path HOST_APP_CONFIG = Path.of(System.getProperty("toolguard.it.hostAppConfig"));

  private final List<String> command = new ArrayList<>();
  private final Map<String, String> environment = new java.util.HashMap<>();
  private final Path workDir;

  /**
   * Where a child JVM that crashes writes its error report: beside the agent jar, not in the test's
   * folder, which is deleted with the test, so that CI can show it ({@code .ci/run}).
   */
  static final Path CRASHES = AGENT_JAR.toAbsolutePath().getParent().resolve("it-crashes");

  static {
    try {
      // The JVM writes its report only into a folder that is there.
      Files.createDirectories(CRASHES);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private ChildJvm(Path workDir) {
    this.workDir = workDir;
    command.addAll(launcher());
  }

  /**
   * {@return how every child JVM starts: this JVM's {@code java}, with the option that has it write
   * a crash report into {@link #CRASHES}}
   */
  private static List<String> launcher() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ErrorFile=" + CRASHES.resolve("hs_err_pid%p.log"));
  }

  static ChildJvm in(Path workDir) {
    return new ChildJvm(workDir);
  }

  ChildJvm agent(String options) {
    command.add("-javaagent:" + AGENT_JAR + (options.isEmpty() ? "" : "=" + options));
    return this;
  }

  ChildJvm jvmArg(String arg) {
    command.add(arg);
    return this;
  }

  ChildJvm env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Runs the integration-test tool application with a scenario from {@link ToolApp}. */
  Result toolApp(String... args) throws IOException, InterruptedException {
    return app(ToolApp.class, args);
  }

  /** Runs a test application (a main class of the test classes, with the api jar). */
  Result app(Class<?> mainClass, String... args) throws IOException, InterruptedException {
    return main(classPath(testClasses(), apiJar()), mainClass.getName(), args);
  }

  /**
   * Starts the tool application and returns at once; the result arrives when the child JVM ends.
   */
  java.util.concurrent.CompletableFuture<Result> toolAppInBackground(String... args) {
    return inBackground(ToolApp.class, args);
  }

  /** Starts a test application and returns at once; the result arrives when the child JVM ends. */
  java.util.concurrent.CompletableFuture<Result> inBackground(Class<?> mainClass, String... args) {
    return inBackground(classPath(testClasses(), apiJar()), mainClass, args);
  }

  /**
   * Starts a main class with this class path and returns at once; the result arrives when the child
   * JVM ends.
   */
  java.util.concurrent.CompletableFuture<Result> inBackground(
      String classPath, Class<?> mainClass, String... args) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          try {
            return main(classPath, mainClass.getName(), args);
          } catch (IOException | InterruptedException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        },
        runnable -> new Thread(runnable, "child-jvm").start());
  }

  Result main(String classPath, String mainClass, String... args)
      throws IOException, InterruptedException {
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    return run();
  }

  Result jar(Path jar, String... args) throws IOException, InterruptedException {
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(Arrays.asList(args));
    return run();
  }

  private Result run() throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    for (String option : List.of("POLICY", "MODE", "AUDIT", "RELOAD")) {
      builder.environment().remove("TOOLGUARD_" + option);
    }
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(environment);
    Process process = builder.start();
    boolean finished = process.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished).as("child JVM finished within 60 s: %s", command).isTrue();
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * {@return the command that runs a test application in a child JVM, for tests that start it
   * themselves}
   */
  static List<String> javaCommand(List<String> jvmArgs, Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>(launcher());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", classPath(testClasses(), apiJar()), mainClass.getName()));
    command.addAll(Arrays.asList(args));
    return command;
  }

  static String classPath(Path... entries) {
    return Arrays.stream(entries)
        .map(Path::toString)
        .collect(Collectors.joining(File.pathSeparator));
  }

  /**
   * Writes {@code jar}, an agent jar of nothing but a manifest naming {@code premainClass}, which
   * the child JVM finds on its class path (the test classes); {@return the jar}
   */
  static Path premainJar(Path jar, Class<?> premainClass) throws IOException {
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", premainClass.getName());
    try (java.util.jar.JarOutputStream out =
        new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.flush();
    }
    return jar;
  }

  static Path testClasses() {
    return codeSource(ToolApp.class);
  }

  static Path apiJar() {
    return codeSource(io.toolguard.api.Tool.class);
  }

  /**
   * {@return the build's folder of the agent's classes as compiled, unshaded: the bootstrap package
   * among them as ordinary class files, which the agent jar holds only packed}
   */
  static Path agentClasses() {
    return codeSource(io.toolguard.bootstrap.Dispatcher.class);
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a child JVM did. */
  record Result(int exitCode, String stdout, String stderr) {

    /** {@return the lines of standard output that start with {@code prefix}} */
    List<String> lines(String prefix) {
      return stdout.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }
}
