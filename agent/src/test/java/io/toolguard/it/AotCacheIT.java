package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.toolguard.it.app.InheritedToolApp;
import io.toolguard.it.app.ToolApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM's ahead-of-time cache (JDK 25, JEP 514) with the agent: trained with {@code --add-modules
 * java.instrument} (what {@code -javaagent} adds), the cache serves a guarded run, which prints no
 * error and still runs its tools under the policy. Trained without it, the JVM names the mismatch
 * and, in {@code -XX:AOTMode=on}, refuses the cache: that is why the README says to add it.
 */
class AotCacheIT {

  @TempDir Path dir;

  private String classPath;

  @BeforeEach
  void jarTheApplication() throws IOException {
    assumeThat(Runtime.version().feature())
        .as("AOT cache output needs JDK 25")
        .isGreaterThanOrEqualTo(25);
    // The cache takes application classes from jars only.
    Path app = dir.resolve("app.jar");
    Path classes = ChildJvm.testClasses();
    try (OutputStream out = Files.newOutputStream(app);
        JarOutputStream jar = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        jar.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        jar.write(Files.readAllBytes(file));
        jar.closeEntry();
      }
    }
    classPath = ChildJvm.classPath(app, ChildJvm.apiJar());
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
  }

  @Test
  void aCacheTrainedForTheAgentServesAGuardedRunWithoutAnError() throws Exception {
    ChildJvm.Result training =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCacheOutput=app.aot")
            .jvmArg("--add-modules=java.instrument")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(training.exitCode()).as(training.toString()).isZero();
    assertThat(dir.resolve("app.aot")).isNotEmptyFile();

    // Without the agent, the cached run does the harm: the denied tool runs.
    ChildJvm.Result unguarded =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCache=app.aot")
            .jvmArg("-XX:AOTMode=on")
            .jvmArg("--add-modules=java.instrument")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(unguarded.exitCode()).as(unguarded.toString()).isZero();
    assertThat(unguarded.stdout().lines()).contains("lookup: ran", "wipe: ran");

    String classes = guardedRunFrom("app.aot");
    // The application's classes come from the cache too, not only the JDK's.
    assertThat(classes).contains("io.toolguard.it.app.GuardedTools source: shared objects file");
  }

  /**
   * Runs the application guarded, from {@code cache}: it denies what the policy denies, prints no
   * error, no warning and nothing of a training run, and takes the application's and the JDK's
   * classes from the cache.
   *
   * @return the run's class-loading log
   */
  private String guardedRunFrom(String cache) throws Exception {
    ChildJvm.Result guarded =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCache=" + cache)
            .jvmArg("-XX:AOTMode=on") // the JVM stops if it cannot use the cache
            .jvmArg("-Xlog:class+load:file=guarded.log")
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .main(classPath, ToolApp.class.getName(), "markers", "all");

    assertThat(guarded.exitCode()).as(guarded.toString()).isZero();
    assertThat(guarded.stdout().lines())
        .contains("lookup: ran", "rename: ran")
        .anyMatch(line -> line.startsWith("wipe: denied: Tool 'wipe' was denied by toolguard"));
    assertThat(guarded.stderr().lines())
        .noneMatch(line -> line.contains("[error]"))
        .noneMatch(line -> line.contains("[warning]"))
        .noneMatch(line -> line.contains("Sharing is only supported"))
        .noneMatch(line -> line.contains(TRAINING_RUN));
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(line -> line.get("tool") + " " + line.get("decision"))
        .contains("lookup allow", "wipe deny");
    String classes = Files.readString(dir.resolve("guarded.log"));
    assertThat(classes)
        .contains("io.toolguard.it.app.ToolApp source: shared objects file")
        .contains("java.lang.Thread source: shared objects file");
    return classes;
  }

  @Test
  void aTrainingRunWithTheAgentWritesACacheRefusingEveryToolAndTheCacheServesAGuardedRun()
      throws Exception {
    // Without the agent, the training run's tools run, the denied one too.
    ChildJvm.Result plain =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCacheOutput=plain.aot")
            .jvmArg("--add-modules=java.instrument")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    assertThat(plain.stdout().lines()).contains("lookup: ran", "wipe: ran");

    // With it, the JVM writes the cache (JDK 25.0.3 crashed doing so when the agent had hooked
    // the JDK), and no tool runs: none could be confined.
    ChildJvm.Result training =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCacheOutput=trained.aot")
            .agent("policy=policy.yaml,audit=training.jsonl")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(training.exitCode()).as(training.toString()).isZero();
    assertThat(dir.resolve("trained.aot")).isNotEmptyFile();
    assertThat(training.stdout().lines())
        .noneMatch(line -> line.endsWith(": ran"))
        .anyMatch(line -> line.startsWith("lookup: denied: Tool 'lookup' was denied by toolguard"))
        .anyMatch(line -> line.startsWith("wipe: denied: Tool 'wipe' was denied by toolguard"));
    assertThat(training.stderr()).contains("toolguard: " + TRAINING_RUN);
    assertThat(AuditLines.calls(dir.resolve("training.jsonl")))
        .isNotEmpty()
        .allSatisfy(
            line -> {
              assertThat(line.get("decision")).isEqualTo("deny");
              assertThat(line.get("reason")).isEqualTo(TRAINING_RUN);
            });

    // The application's classes the agent did not weave in training come from the cache.
    guardedRunFrom("trained.aot");
  }

  @Test
  void theCacheHoldsToolguardsOwnClasses() throws Exception {
    // The agent's classes are its own class loader's, read from its jar (the JVM caches classes of
    // such a loader that come from a jar file): nothing more on the command line than -javaagent.
    ChildJvm.Result training =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCacheOutput=own.aot")
            .agent("policy=policy.yaml,audit=training.jsonl")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(training.exitCode()).as(training.toString()).isZero();
    assertThat(training.stdout().lines()).noneMatch(line -> line.endsWith(": ran"));

    String classes = guardedRunFrom("own.aot");
    assertThat(classes)
        .contains("io.toolguard.agent.Startup source: shared objects file")
        .contains("io.toolguard.agent.policy.read.PolicyParser source: shared objects file");
  }

  @Test
  void aToolInheritedByClassesFromTheCacheIsDecided() throws Exception {
    Files.writeString(dir.resolve("inherited.yaml"), InheritedBurns.POLICY);
    String app = InheritedToolApp.class.getName();
    ChildJvm.Result training =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCacheOutput=inherited.aot")
            .jvmArg("--add-modules=java.instrument")
            .main(classPath, app);
    assertThat(training.exitCode()).as(training.toString()).isZero();
    Files.deleteIfExists(dir.resolve("burned.txt"));

    // Without the agent, the cached run does the harm.
    InheritedBurns.assertBurned(
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCache=inherited.aot")
            .jvmArg("-XX:AOTMode=on")
            .jvmArg("--add-modules=java.instrument")
            .main(classPath, app),
        dir);

    // With it, the class that only inherits the tool (its interface's @Tool), both from the cache,
    // is found and its call decided.
    InheritedBurns.assertDenied(
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCache=inherited.aot")
            .jvmArg("-XX:AOTMode=on")
            .jvmArg("-Xlog:class+load:file=inherited.log")
            .agent("policy=inherited.yaml,audit=audit.jsonl")
            .main(classPath, app),
        dir);
    assertThat(Files.readString(dir.resolve("inherited.log")))
        .contains(InheritedToolApp.Impl.class.getName() + " source: shared objects file")
        .contains(InheritedToolApp.Tools.class.getName() + " source: shared objects file");
  }

  /** What the agent says of a training run, at start-up and as each call's reason. */
  private static final String TRAINING_RUN =
      "this JVM writes a CDS archive or an AOT cache when it ends (a training run), where"
          + " toolguard cannot hook the JDK to confine a tool, so every tool call is denied;"
          + " train with a workload that calls no tool (README: AOT cache)";

  @Test
  void aCacheTrainedWithoutJavaInstrumentIsRefusedWithTheReason() throws Exception {
    ChildJvm.Result training =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCacheOutput=plain.aot")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(training.exitCode()).as(training.toString()).isZero();

    ChildJvm.Result guarded =
        ChildJvm.in(dir)
            .jvmArg("-XX:AOTCache=plain.aot")
            .jvmArg("-XX:AOTMode=on")
            .agent("policy=policy.yaml")
            .main(classPath, ToolApp.class.getName(), "markers", "all");

    assertThat(guarded.exitCode()).as(guarded.toString()).isNotZero();
    assertThat(List.of(guarded.stdout(), guarded.stderr()))
        .anyMatch(text -> text.contains("jdk.module.addmods"));
  }
}
