package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.PlantedApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, planted code: a tool that runs a script (classes a class loader it created defines)
 * leaves code behind that the application, a pool, a logger, a timer or the JVM runs after the tool
 * returned. Without toolguard each writes outside the tool's grants; with it each still runs in the
 * tool's confinement, so each write is denied, while the script's own work inside its grants, the
 * application's own lambdas and the application's own writes keep working.
 */
class PlantedCodeIT {

  private static final int VECTORS = 20;

  @TempDir Path base;

  @Test
  void codeBornInAToolCarriesItsConfinementWhereverItRuns() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          run_script: {decision: allow, files: {read: ["**"], write: ["**"]}}
          make_writer: {decision: allow}
          reflect_often: {decision: allow, files: {write: ["**"]}}
          load_plugin: {decision: allow}
        """);

    ChildJvm.Result without = ChildJvm.in(box).app(PlantedApp.class, outside.toString());
    assertThat(without.lines("PLANTED "))
        .as(without.toString())
        .hasSize(VECTORS)
        .allMatch(line -> line.endsWith(" harm"));
    assertThat(outside.resolve("victim")).doesNotExist();
    try (var files = Files.list(outside)) {
      files.forEach(PlantedCodeIT::delete);
    }

    ChildJvm.Result with =
        ChildJvm.in(box)
            .agent("policy=../policy.yaml,audit=../audit.jsonl")
            .app(PlantedApp.class, outside.toString());
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.lines("PLANTED "))
        .as(with.toString())
        .hasSize(VECTORS)
        .allMatch(line -> line.endsWith(" denied"));
    assertThat(outside.resolve("victim")).exists();
    try (var files = Files.list(outside)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "victim",
              "app-lambda",
              "application-reflection",
              "application-beans",
              "application-plugin",
              "application");
    }
    assertThat(with.lines("LEGIT "))
        .as(with.toString())
        .containsExactly(
            "LEGIT script-writes-in-its-box ok",
            "LEGIT script-computes ok",
            "LEGIT script-calls-application-lambda ok",
            "LEGIT script-uses-method-handles ok",
            "LEGIT application-lambda ok",
            "LEGIT application-reflection ok",
            "LEGIT script-uses-beans ok",
            "LEGIT application-beans ok",
            "LEGIT application-plugin ok",
            "LEGIT application-writes ok");
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
