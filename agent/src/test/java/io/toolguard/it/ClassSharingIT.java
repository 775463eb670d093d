package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.toolguard.it.app.InternalsApp;
import io.toolguard.it.app.ToolApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent defines its bootstrap classes into the bootstrap loader instead of appending a jar to
 * its search path, which the JVM answers with a warning and by sharing no class that is not the
 * bootstrap loader's (on JDK 25, not even the application's classes of a dynamic archive; JDK 17
 * still shares those): with the agent, the application's classes come from a CDS archive (the AOT
 * cache of JDK 25 in {@code AotCacheIT}), and the JVM warns of nothing. What makes that possible,
 * exporting {@code jdk.internal.misc}, reaches no application code.
 */
class ClassSharingIT {

  private static final String SHARED = "io.toolguard.it.app.ToolApp source: shared objects file";

  @TempDir Path dir;

  @Test
  void aGuardedRunTakesTheApplicationsClassesFromItsCdsArchiveAndPrintsNoWarning()
      throws Exception {
    String classPath = ChildJvm.classPath(applicationJar(), ChildJvm.apiJar());
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    ChildJvm.Result dump =
        withAgentsModules(ChildJvm.in(dir).jvmArg("-XX:ArchiveClassesAtExit=app.jsa"))
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(dump.exitCode()).as(dump.toString()).isZero();
    assertThat(dir.resolve("app.jsa")).isNotEmptyFile();

    // Without the agent, the archive serves the application's classes (and the tool does harm).
    ChildJvm.Result plain =
        withAgentsModules(
                ChildJvm.in(dir)
                    .jvmArg("-XX:SharedArchiveFile=app.jsa")
                    .jvmArg("-Xlog:class+load:file=plain.log"))
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    assertThat(plain.stdout().lines()).contains("wipe: ran");
    assertThat(Files.readString(dir.resolve("plain.log"))).contains(SHARED);

    ChildJvm.Result guarded =
        ChildJvm.in(dir)
            .jvmArg("-XX:SharedArchiveFile=app.jsa")
            .jvmArg("-Xlog:class+load:file=guarded.log")
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .main(classPath, ToolApp.class.getName(), "markers", "all");

    assertThat(guarded.exitCode()).as(guarded.toString()).isZero();
    assertThat(guarded.stdout().lines())
        .contains("lookup: ran")
        .anyMatch(line -> line.startsWith("wipe: denied: Tool 'wipe' was denied by toolguard"));
    assertThat(Files.readString(dir.resolve("guarded.log"))).contains(SHARED);
    assertThat(guarded.stderr().lines())
        .noneMatch(line -> line.contains("warning") && !line.startsWith("toolguard"))
        .noneMatch(line -> line.contains("[error]"))
        .noneMatch(line -> line.contains("Sharing is only supported"));
  }

  /**
   * JDK 17 writes a CDS archive with an agent in the JVM only when told that this is for testing
   * ({@code -XX:+AllowArchivingWithJavaAgent}), and then maps it only with the same flag. With it,
   * the dumping run completes (it crashed while toolguard hooked the JDK in it), refuses every
   * tool, and the archive serves a guarded run.
   */
  @Test
  void onJdk17AnArchiveDumpedWithTheAgentRefusesEveryToolThenServesAGuardedRun() throws Exception {
    assumeThat(Runtime.version().feature()).as("JDK 25 is covered by AotCacheIT").isLessThan(24);
    String classPath = ChildJvm.classPath(applicationJar(), ChildJvm.apiJar());
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    ChildJvm.Result dump =
        archivingWithAgent(ChildJvm.in(dir).jvmArg("-XX:ArchiveClassesAtExit=agent.jsa"))
            .agent("policy=policy.yaml,audit=dump.jsonl")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(dump.exitCode()).as(dump.toString()).isZero();
    assertThat(dir.resolve("agent.jsa")).isNotEmptyFile();
    assertThat(dump.stdout().lines())
        .noneMatch(line -> line.endsWith(": ran"))
        .anyMatch(line -> line.startsWith("wipe: denied: Tool 'wipe' was denied by toolguard"));
    assertThat(AuditLines.calls(dir.resolve("dump.jsonl")))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line.get("reason")).contains("(a training run)"));

    ChildJvm.Result guarded =
        archivingWithAgent(
                ChildJvm.in(dir)
                    .jvmArg("-XX:SharedArchiveFile=agent.jsa")
                    .jvmArg("-Xlog:class+load:file=guarded.log"))
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .main(classPath, ToolApp.class.getName(), "markers", "all");
    assertThat(guarded.exitCode()).as(guarded.toString()).isZero();
    assertThat(guarded.stdout().lines())
        .contains("lookup: ran")
        .anyMatch(line -> line.startsWith("wipe: denied: Tool 'wipe' was denied by toolguard"));
    assertThat(Files.readString(dir.resolve("guarded.log"))).contains(SHARED);
    assertThat(guarded.stderr().lines())
        .noneMatch(line -> line.contains("[error]"))
        .noneMatch(line -> line.contains("(a training run)"));
  }

  private static ChildJvm archivingWithAgent(ChildJvm jvm) {
    return jvm.jvmArg("-XX:+UnlockDiagnosticVMOptions").jvmArg("-XX:+AllowArchivingWithJavaAgent");
  }

  @Test
  void theApplicationGetsNoAccessToTheJdksInternalUnsafe() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "version: 1\nsandbox: .\n");
    // Were jdk.internal.misc exported to the application's module, its code would hold Unsafe.
    ChildJvm.Result exported =
        ChildJvm.in(dir)
            .jvmArg("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
            .app(InternalsApp.class);
    assertThat(exported.stdout().lines()).containsExactly("unsafe: reached");

    ChildJvm.Result guarded = ChildJvm.in(dir).agent("policy=policy.yaml").app(InternalsApp.class);

    assertThat(guarded.exitCode()).as(guarded.toString()).isZero();
    assertThat(guarded.stdout().lines())
        .containsExactly("unsafe: refused: java.lang.IllegalAccessException");
  }

  /**
   * On JDK 24 and later an archive is refused unless it was made with the modules the run has;
   * {@code -javaagent} adds {@code java.instrument} (see README, AOT cache and CDS).
   */
  private static ChildJvm withAgentsModules(ChildJvm jvm) {
    return Runtime.version().feature() >= 24 ? jvm.jvmArg("--add-modules=java.instrument") : jvm;
  }

  /** The test classes as a jar: a CDS archive takes application classes from jars only. */
  private Path applicationJar() throws IOException {
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
    return app;
  }
}
