package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.FileRoutesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JDK route to the disk, run by a tool in a child JVM with the agent: inside the sandbox it
 * works; outside it, and through each path trick, it is denied and nothing outside changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileConfinementIT {

  static final String POLICY = """
      version: 1
      sandbox: box
      tools:
        fs:
          decision: allow
          risk: LOW
          files:
            read: ["inside/**"]
            write: ["inside/**"]
            delete: ["inside/**"]
      """;

  @TempDir static Path dir;
  private ChildJvm.Result routes;
  private List<String> lines;

  @BeforeAll
  void runEveryRoute() throws Exception {
    routes = run(dir.resolve("routes"), "routes");
    lines = routes.stdout().lines().toList();
  }

  static ChildJvm.Result run(Path base, String... scenario) throws Exception {
    return run(base, List.of(), scenario);
  }

  static ChildJvm.Result run(Path base, List<String> jvmArgs, String... scenario) throws Exception {
    return run(base, List.of(), jvmArgs, scenario);
  }

  /** Runs a scenario with {@code argsBefore} before toolguard's {@code -javaagent}, {@code jvmArgs} after it. */
  static ChildJvm.Result run(Path base, List<String> argsBefore, List<String> jvmArgs, String... scenario)
      throws Exception {
    return run(base, true, argsBefore, jvmArgs, List.of(), FileRoutesApp.class.getName(), scenario);
  }

  /** Runs a scenario as {@link #run(Path, List, String...)} does, but without toolguard: nothing is confined. */
  static ChildJvm.Result runWithoutTheAgent(Path base, List<String> jvmArgs, String... scenario) throws Exception {
    return run(base, false, List.of(), jvmArgs, List.of(), FileRoutesApp.class.getName(), scenario);
  }

  /** Runs {@code mainClass BASE SCENARIO…} in {@code BASE/box} under {@link #POLICY}, audit log in BASE. */
  private static ChildJvm.Result run(Path base, boolean withAgent, List<String> argsBefore, List<String> jvmArgs,
      List<Path> libraries, String mainClass, String... scenario) throws Exception {
    Files.createDirectories(base.resolve("box"));
    Files.writeString(base.resolve("policy.yaml"), POLICY);
    String[] args = Stream.concat(Stream.of(base.toString()), Stream.of(scenario)).toArray(String[]::new);
    ChildJvm child = ChildJvm.in(base.resolve("box"));
    argsBefore.forEach(child::jvmArg);
    if (withAgent) {
      child.agent("policy=../policy.yaml,audit=../audit.jsonl");
    }
    jvmArgs.forEach(child::jvmArg);
    Path[] classPath = Stream.concat(Stream.of(ChildJvm.testClasses(), ChildJvm.apiJar()), libraries.stream())
        .toArray(Path[]::new);
    return child.main(ChildJvm.classPath(classPath), mainClass, args);
  }

  @TestFactory
  Stream<DynamicTest> eachRouteWorksInsideTheSandbox() {
    return lines.stream().filter(line -> line.startsWith("ROUTE ") && line.contains(" inside "))
        .map(line -> DynamicTest.dynamicTest(line.substring(6, line.indexOf(" inside ")),
            () -> assertThat(line).as(routes.toString()).endsWith(" inside ok")));
  }

  @TestFactory
  Stream<DynamicTest> eachRouteIsDeniedOutsideTheSandboxByEveryTrick() {
    return lines.stream().filter(line -> line.startsWith("ROUTE ") && !line.contains(" inside "))
        .map(line -> DynamicTest.dynamicTest(line.substring(6).replaceAll(" (denied|NOT-DENIED.*)$", ""),
            () -> assertThat(line).endsWith(" denied")));
  }

  @Test
  void everyRouteRanWithAllItsTricks() {
    assertThat(lines).filteredOn(line -> line.startsWith("ROUTE ") && line.contains(" inside ")).hasSizeGreaterThan(50);
    assertThat(lines).filteredOn(line -> line.startsWith("ROUTE ") && !line.contains(" inside ")).hasSizeGreaterThan(400);
    assertThat(routes.exitCode()).as(routes.toString()).isZero();
  }

  @Test
  void nothingOutsideTheSandboxChanged() {
    assertThat(lines).as(routes.toString()).contains("UNTOUCHED yes");
  }

  @Test
  void deletingALinkInsideDeletesTheLinkAndDirectoryStreamsCannotOpenRelativePaths() {
    assertThat(lines).as(routes.toString()).contains("LINK-DELETE ok", "SECURE-DIRECTORY denied");
  }

  @Test
  void afterManyAllowedOperationsInOneCallTheNextOutsideAccessIsStillDenied() {
    assertThat(lines).as(routes.toString()).contains("SEQUENCE denied");
  }

  @Test
  void aFileAToolAskedToDeleteOnExitIsStillThereAfterTheJvmEnded() throws Exception {
    assertThat(Files.readString(dir.resolve("routes/secret/s.txt"))).isEqualTo(FileRoutesApp.SECRET + "\n");
  }

  @TestFactory
  Stream<DynamicTest> outsideAnyToolNothingIsChecked() {
    return lines.stream().filter(line -> line.startsWith("OUTSIDE-TOOL "))
        .map(line -> DynamicTest.dynamicTest(line.substring(13).replaceAll(" (ok|FAILED.*)$", ""),
            () -> assertThat(line).endsWith(" ok")));
  }

  @Test
  void eachDenialIsAuditedWithThePathAsGivenAndWhereItLeads() throws Exception {
    List<Map<String, String>> audit = AuditLines.read(dir.resolve("routes/audit.jsonl"));
    Path secret = dir.resolve("routes/secret").toRealPath();

    assertThat(audit).filteredOn(line -> "file".equals(line.get("event")))
        .allMatch(line -> "deny".equals(line.get("decision")) && "fs".equals(line.get("tool")))
        .anyMatch(line -> line.get("path").endsWith("inside/file-link.txt")
            && line.get("resolved").equals(secret.resolve("s.txt").toString()) && "read".equals(line.get("operation"))
            && line.get("rule").equals("../policy.yaml:4"));
  }

  @Test
  void aDenialNamesTheToolTheOperationThePathAsGivenWhereItLeadsAndTheRule() throws Exception {
    ChildJvm.Result result = run(dir.resolve("message"), "message");
    Path secret = dir.resolve("message/secret/s.txt").toRealPath();

    assertThat(result.stdout()).as(result.toString()).contains("MESSAGE java.lang.SecurityException: Tool 'fs' may not read"
        + " '../secret/s.txt' (" + secret + "): it is outside the sandbox root " + dir.resolve("message/box").toRealPath()
        + " and no absolute read glob grants it [rule ../policy.yaml:4]");
  }

  @Test
  void aLinkSwappedWhileTheToolReadsAndWritesNeverReachesTheOutsideFile() throws Exception {
    ChildJvm.Result result = run(dir.resolve("race"), "race", "4000");

    String race = result.stdout().lines().filter(line -> line.startsWith("RACE ")).findFirst().orElseThrow(
        () -> new AssertionError(result.toString()));
    assertThat(race).contains(" leaked=0 ", " victim=ORIGINAL").doesNotContain("reads=0 ", "denied=0 ", "writes=0 ");
  }

  @Test
  void theApplicationsLogbackRollsItsLogFileWhileAToolLogs() throws Exception {
    List<Path> logback;
    try (Stream<Path> libs = Files.list(ChildJvm.HOST_APP_LIBS)) {
      logback = libs.filter(lib -> !lib.getFileName().toString().startsWith("byte-buddy")).sorted().toList();
    }
    ChildJvm.Result result = run(dir.resolve("logback"), true, List.of(), List.of(), logback,
        "io.toolguard.it.app.LogbackWork");

    assertThat(result.stdout()).as(result.toString()).contains("LOGBACK files=4 errors=0");
  }

  @Test
  void theJdksOwnFileAccessKeepsWorkingInsideATool() throws Exception {
    ChildJvm.Result result = run(dir.resolve("jdk"), "jdk");

    List<String> jdk = result.stdout().lines().filter(line -> line.startsWith("JDK ")).toList();
    assertThat(jdk).as(result.toString()).hasSizeGreaterThan(15).allMatch(line -> line.endsWith(" ok"));
    assertThat(result.stdout()).containsPattern("LOG files=[23]");
  }
}
