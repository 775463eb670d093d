package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.RetransformedApp;
import io.toolguard.it.app.RetransformingAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another agent (a profiler, a tracer) retransforms a tool class, a plug-in's class that inherits a
 * tool (its loader closed first, so its interface can no longer be read) and classes born in a
 * tool, then redefines them from their class files. The JVM hands toolguard's transformers each
 * class as it was before their weaving, and they weave it again, a tool class with the tools it was
 * woven with when it loaded: the tools are still decided and confined, and born code still carries
 * its tool's confinement. Without toolguard every write outside the grants happens; with it each is
 * denied, in every phase, while the tool's work inside its grants goes on. A tool that reaches the
 * other agent's instrumentation (handed out as the OpenTelemetry agent's is) may not add a
 * transformer, retransform or redefine with it.
 */
class RetransformedIT {

  private static final List<String> PHASES = List.of("before", "retransformed", "redefined");

  @TempDir Path base;

  @Test
  void classesAnotherAgentRetransformsOrRedefinesStayWoven() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          write_note: {decision: allow, files: {write: ["**"]}}
          load_script: {decision: allow}
          shared_script: {decision: allow}
          plugin_write: {decision: allow}
          instrument: {decision: allow}
          nameless_write: {decision: allow}
        """);
    // The plug-in's classes, where only its own loader finds them.
    Path plugins = base.resolve("plugins");
    Path pluginPackage =
        Files.createDirectories(plugins.resolve("io/toolguard/it/app/retransformed"));
    for (String name : List.of("PluginApi.class", "PluginImpl.class")) {
      Files.copy(
          ChildJvm.testClasses().resolve("io/toolguard/it/app/retransformed").resolve(name),
          pluginPackage.resolve(name));
    }
    String other = "-javaagent:" + retransformingAgent();

    ChildJvm.Result without =
        ChildJvm.in(box)
            .jvmArg(other)
            .app(RetransformedApp.class, outside.toString(), plugins.toString());
    assertThat(without.exitCode()).as(without.toString()).isZero();
    assertThat(without.lines("RETRANSFORMED "))
        .as(without.toString())
        .hasSize(13)
        .allMatch(line -> line.endsWith(" harm"));
    assertThat(without.lines("LEGIT "))
        .as(without.toString())
        .allMatch(line -> line.endsWith(" ok"));
    assertThat(without.lines("INSTRUMENT "))
        .as(without.toString())
        .containsExactly(
            "INSTRUMENT add-transformer done",
            "INSTRUMENT retransform done",
            "INSTRUMENT redefine done");
    try (var written = Files.list(outside)) {
      assertThat(written).hasSize(13);
    }
    try (var written = Files.list(outside)) {
      written.forEach(RetransformedIT::delete);
    }

    ChildJvm.Result with =
        ChildJvm.in(box)
            .agent("policy=../policy.yaml")
            .jvmArg(other)
            .app(RetransformedApp.class, outside.toString(), plugins.toString());
    assertThat(with.exitCode()).as(with.toString()).isZero();
    // A tool handed another agent's instrumentation changes no class with it.
    assertThat(with.lines("INSTRUMENT "))
        .as(with.toString())
        .containsExactly(
            "INSTRUMENT add-transformer denied",
            "INSTRUMENT retransform denied",
            "INSTRUMENT redefine denied");
    for (String phase : PHASES) {
      assertThat(with.lines("RETRANSFORMED "))
          .as(with.toString())
          .contains(
              "RETRANSFORMED tool-" + phase + " denied",
              "RETRANSFORMED plugin-tool-" + phase + " denied",
              "RETRANSFORMED loader-born-" + phase + " denied",
              "RETRANSFORMED class-born-" + phase + " denied");
      assertThat(with.lines("LEGIT "))
          .as(with.toString())
          .contains("LEGIT tool-in-its-box-" + phase + " ok");
      assertThat(box.resolve("note-" + phase)).exists();
    }
    assertThat(with.lines("RETRANSFORMED "))
        .as(with.toString())
        .hasSize(13)
        .contains("RETRANSFORMED nameless-tool denied");
    try (var written = Files.list(outside)) {
      assertThat(written).isEmpty();
    }
  }

  /** An agent jar whose premain is {@link RetransformingAgent}, found on the class path. */
  private Path retransformingAgent() throws IOException {
    Path jar = base.resolve("retransforming-agent.jar");
    Manifest manifest = new Manifest();
    Attributes attributes = manifest.getMainAttributes();
    attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.putValue("Premain-Class", RetransformingAgent.class.getName());
    attributes.putValue("Can-Retransform-Classes", "true");
    attributes.putValue("Can-Redefine-Classes", "true");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream written = new JarOutputStream(out, manifest)) {
      written.flush();
    }
    return jar;
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (IOException failed) {
      throw new java.io.UncheckedIOException(failed);
    }
  }
}
