package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.LaunderingApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, laundering through JDK code: a tool hands what it may not call itself ({@code
 * System::getenv}, {@code System::setProperty}, {@code System::exit}, {@code Files.readString}) to
 * JDK code that calls it ({@code Optional}, streams, {@code CompletableFuture}, maps, reflection,
 * method handles), or has a class loader it made itself read where it chose (a link in a folder it
 * may read, leading outside). Without toolguard each route does its harm; with it none does, while
 * the JDK facilities a tool uses every day keep working inside it, and the application's own use of
 * every route outside tools is untouched.
 */
class LaunderingIT {

  private static final String ENV_SECRET = "env-s3cret-launder";
  private static final String PROPERTY_SECRET = "prop-s3cret-launder";
  private static final String FILE_SECRET = "file-s3cret-launder";
  private static final int ROUTES = 39;

  @TempDir Path base;

  @Test
  void jdkCodeHandedAToolsCallDoesNotLaunderIt() throws Exception {
    ChildJvm.Result without = run(false);
    assertThat(without.lines("LAUNDER "))
        .as(without.toString())
        .hasSize(ROUTES)
        .allMatch(line -> line.contains(" harm: "));
    assertThat(without.lines("LEGIT ")).allMatch(line -> line.contains(" ok: "));

    ChildJvm.Result with = run(true);
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.lines("LAUNDER "))
        .as(with.toString())
        .hasSize(ROUTES)
        .noneMatch(line -> line.contains(" harm: ") || line.contains(" failed "));
    assertThat(with.lines("LAUNDER "))
        .as("denied, or what the tool may not see looks unset (or not found) to it")
        .allMatch(
            line ->
                Stream.of(" denied", " saw null", " not set", " kept", " no provider", " no bundle")
                    .anyMatch(line::endsWith));
    assertThat(with.lines("LAUNDER "))
        .noneMatch(
            line ->
                line.contains(ENV_SECRET)
                    || line.contains(PROPERTY_SECRET)
                    || line.contains(FILE_SECRET));

    assertThat(with.lines("LEGIT "))
        .as(with.toString())
        .containsExactly(
            "LEGIT String.format ok: 1,234,567 x",
            "LEGIT LocalDate.now ok: true",
            "LEGIT Charset.defaultCharset ok: UTF-8",
            "LEGIT Locale.getDefault ok: true",
            "LEGIT new Date().toString ok: true",
            "LEGIT a resource of the application's class path ok: true",
            "LEGIT Logger.info ok: logged",
            "LEGIT a granted variable through Optional.map(System::getenv) ok: visible",
            "LEGIT a granted property through Stream.map(System::getProperty) ok: kept",
            "LEGIT the JDK's standard properties through Optional.map ok: true",
            "LEGIT a granted file through Optional.map(Files.readString proxy) ok: plain",
            "LEGIT a class loader made in the tool, reading the box ok: plain",
            "LEGIT a class loader made in the tool, naming the application's class file ok: true");
    // The application itself, outside tools, does all of it.
    assertThat(with.lines("OUTSIDE "))
        .as(with.toString())
        .hasSize(ROUTES)
        .allMatch(line -> line.contains(" harm: "), "works outside tools");
  }

  @Test
  void jdkCodeHandedExitOrHaltDoesNotEndTheJvm() throws Exception {
    for (String route :
        List.of(
            "Optional.ifPresent(System::exit)",
            "List.forEach(Runtime.getRuntime()::halt)",
            "MethodHandle System.exit")) {
      ChildJvm.Result without = run(false, route);
      assertThat(without.exitCode()).as(without.toString()).isEqualTo(77);
      assertThat(without.stdout()).doesNotContain("SURVIVED");

      ChildJvm.Result with = run(true, route);
      assertThat(with.exitCode()).as(with.toString()).isZero();
      assertThat(with.stdout()).contains("EXIT " + route + " denied", "SURVIVED " + route);
    }
  }

  private ChildJvm.Result run(boolean withAgent, String... exitRoute) throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path classPath = Files.createDirectories(box.resolve("cp"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), FILE_SECRET);
    Files.writeString(outside.resolve("victim.txt"), "victim");
    Files.writeString(outside.resolve("services.txt"), "launder_" + FILE_SECRET.replace('-', '_'));
    Files.writeString(outside.resolve("bundle.properties"), "k=" + FILE_SECRET);
    Files.deleteIfExists(outside.resolve("tool.log"));
    Files.writeString(classPath.resolve("plain.txt"), "plain");
    // Links planted in the box to files outside it: a tool may read the box, and what it reads
    // there is decided where each link leads.
    link(classPath.resolve("leak.txt"), outside.resolve("secret.txt"));
    link(
        Files.createDirectories(classPath.resolve("META-INF/services"))
            .resolve("java.lang.Runnable"),
        outside.resolve("services.txt"));
    link(classPath.resolve("leakbundle.properties"), outside.resolve("bundle.properties"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          launder:
            decision: allow
            files: {read: ["**"], write: ["**"]}
            env:
              variables: ["TG_LAUNDER_OK"]
              properties: ["tg.planted.*"]
        """);
    ChildJvm child = ChildJvm.in(box);
    if (withAgent) {
      child.agent("policy=../policy.yaml,audit=../audit.jsonl");
    }
    String[] args =
        exitRoute.length == 0
            ? new String[] {box.toString(), outside.toString()}
            : new String[] {box.toString(), outside.toString(), exitRoute[0]};
    return child
        .env("TG_LAUNDER_SECRET", ENV_SECRET)
        .env("TG_LAUNDER_OK", "visible")
        .jvmArg("-Dtg.launder.secret=" + PROPERTY_SECRET)
        .jvmArg("-Dtg.planted.keep=kept")
        .jvmArg("-Dtg.planted.gone=here")
        .app(LaunderingApp.class, args);
  }

  private static void link(Path link, Path target) throws Exception {
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, target);
  }
}
