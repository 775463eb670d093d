package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.FileRoutes;
import io.toolguard.it.app.FileRoutesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JDK route to the disk, run by a tool in a child JVM with the agent: inside the sandbox it
 * works; outside it, and through each path trick, it is denied and nothing outside changes. Without
 * the agent, the same checks reach the outside files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileConfinementIT {

  static final String POLICY =
      """
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

  /**
   * A {@code ROUTE} line of FileRoutesApp: the route, where it was tried ({@code inside} or a
   * trick), what happened.
   */
  private static final Pattern CHECK =
      Pattern.compile("ROUTE (.+?) (\\S+) (ok|FAILED|denied|NOT-DENIED|unsupported)\\b.*");

  @TempDir static Path dir;
  private ChildJvm.Result routes;
  private List<String> lines;
  private ChildJvm.Result free;

  @BeforeAll
  void runEveryRoute() throws Exception {
    routes = run(dir.resolve("routes"), "routes");
    lines = routes.stdout().lines().toList();
    free = runWithoutTheAgent(dir.resolve("without-agent"), List.of(), "routes");
  }

  /**
   * One check of a route: the route's name, where it was tried ({@code inside} or a trick) and the
   * whole line.
   */
  record Check(String route, String target, String outcome, String line) {

    static Stream<Check> in(List<String> lines) {
      return lines.stream()
          .filter(line -> line.startsWith("ROUTE "))
          .map(
              line -> {
                Matcher check = CHECK.matcher(line);
                assertThat(check.matches()).as(line).isTrue();
                return new Check(check.group(1), check.group(2), check.group(3), line);
              });
    }

    boolean inside() {
      return target.equals("inside");
    }

    /**
     * Skips, rather than passes, the check of a route that this file system cannot run (see
     * FileRoutes.Route).
     */
    void assumeSupported() {
      Assumptions.assumeFalse(outcome.equals("unsupported"), line);
    }

    @Override
    public String toString() {
      return route + " " + target;
    }
  }

  /**
   * How many outside targets FileRoutesApp tries a route on. For a file: the tricks of
   * FileRoutesApp.tricks (absolute, dot-dot, dot-and-double-slash, through-linked-folder,
   * dot-dot-after-link, relative, proc-self-root), the sandbox's two siblings (sibling-prefix,
   * sibling-prefix-matching-grant), and a link that leads outside (link-to-file, or dangling-link
   * for a new file) unless the route deletes or acts on a link itself. For a folder: absolute,
   * dot-dot, dot-dot-after-link, relative, proc-self-root, the two siblings and, again unless the
   * route acts on a link itself, link-to-folder.
   */
  static int outsideTargets(FileRoutes.Route route) {
    int link = route.followsLinks() ? 1 : 0;
    return switch (route.kind()) {
      case READ, READ_ZIP, MODIFY, CREATE -> 9 + link;
      case DELETE -> 9;
      case LIST, WRITE_IN_FOLDER -> 7 + link;
    };
  }

  static ChildJvm.Result run(Path base, String... scenario) throws Exception {
    return run(base, List.of(), scenario);
  }

  static ChildJvm.Result run(Path base, List<String> jvmArgs, String... scenario) throws Exception {
    return run(base, List.of(), jvmArgs, scenario);
  }

  /**
   * Runs a scenario with {@code argsBefore} before toolguard's {@code -javaagent}, {@code jvmArgs}
   * after it.
   */
  static ChildJvm.Result run(
      Path base, List<String> argsBefore, List<String> jvmArgs, String... scenario)
      throws Exception {
    return run(base, true, argsBefore, jvmArgs, List.of(), FileRoutesApp.class.getName(), scenario);
  }

  /**
   * Runs a scenario as {@link #run(Path, List, String...)} does, but without toolguard: nothing is
   * confined.
   */
  static ChildJvm.Result runWithoutTheAgent(Path base, List<String> jvmArgs, String... scenario)
      throws Exception {
    return run(base, false, List.of(), jvmArgs, List.of(), FileRoutesApp.class.getName(), scenario);
  }

  /**
   * Runs {@code mainClass BASE SCENARIO…} in {@code BASE/box} under {@link #POLICY}, audit log in
   * BASE.
   */
  private static ChildJvm.Result run(
      Path base,
      boolean withAgent,
      List<String> argsBefore,
      List<String> jvmArgs,
      List<Path> libraries,
      String mainClass,
      String... scenario)
      throws Exception {
    Files.createDirectories(base.resolve("box"));
    Files.writeString(base.resolve("policy.yaml"), POLICY);
    String[] args =
        Stream.concat(Stream.of(base.toString()), Stream.of(scenario)).toArray(String[]::new);
    ChildJvm child = ChildJvm.in(base.resolve("box"));
    argsBefore.forEach(child::jvmArg);
    if (withAgent) {
      child.agent("policy=../policy.yaml,audit=../audit.jsonl");
    }
    jvmArgs.forEach(child::jvmArg);
    Path[] classPath =
        Stream.concat(Stream.of(ChildJvm.testClasses(), ChildJvm.apiJar()), libraries.stream())
            .toArray(Path[]::new);
    return child.main(ChildJvm.classPath(classPath), mainClass, args);
  }

  @TestFactory
  Stream<DynamicTest> eachRouteWorksInsideTheSandbox() {
    return Check.in(lines)
        .filter(Check::inside)
        .map(
            check ->
                DynamicTest.dynamicTest(
                    check.route(),
                    () -> {
                      check.assumeSupported();
                      assertThat(check.line()).as(routes.toString()).endsWith(" inside ok");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> eachRouteIsDeniedOutsideTheSandboxByEveryTrick() {
    return Check.in(lines)
        .filter(check -> !check.inside())
        .map(
            check ->
                DynamicTest.dynamicTest(
                    check.toString(),
                    () -> {
                      check.assumeSupported();
                      assertThat(check.line()).endsWith(" denied");
                    }));
  }

  @Test
  void everyRouteRanWithAllItsTricks() {
    assertThat(FileRoutes.ALL).extracting(FileRoutes.Route::name).doesNotHaveDuplicates();
    Map<String, Long> inside =
        Check.in(lines)
            .filter(Check::inside)
            .collect(Collectors.groupingBy(Check::route, Collectors.counting()));
    Map<String, Long> outside =
        Check.in(lines)
            .filter(check -> !check.inside())
            .collect(Collectors.groupingBy(Check::route, Collectors.counting()));

    assertThat(inside)
        .containsExactlyInAnyOrderEntriesOf(
            FileRoutes.ALL.stream().collect(Collectors.toMap(FileRoutes.Route::name, route -> 1L)));
    assertThat(outside)
        .containsExactlyInAnyOrderEntriesOf(
            FileRoutes.ALL.stream()
                .collect(
                    Collectors.toMap(
                        FileRoutes.Route::name, route -> (long) outsideTargets(route))));
    assertThat(lines)
        .filteredOn(line -> line.startsWith("OUTSIDE-TOOL "))
        .hasSize(
            (int)
                FileRoutes.ALL.stream()
                    .filter(
                        route ->
                            route.kind() == FileRoutes.Kind.READ
                                || route.kind() == FileRoutes.Kind.LIST)
                    .count());
    assertThat(routes.exitCode()).as(routes.toString()).isZero();
  }

  @Test
  void nothingOutsideTheSandboxChanged() {
    assertThat(lines)
        .as(routes.toString())
        .contains("UNTOUCHED yes")
        .noneMatch(line -> line.contains("CHANGED outside"));
  }

  /**
   * Without the agent the same checks reach the outside file, so that none of the denials above can
   * pass because a route or a trick reaches nothing: each reading route returns, and each route
   * that creates, changes or deletes changes what is outside the sandbox.
   */
  @TestFactory
  Stream<DynamicTest> withoutTheAgentEachRouteReachesTheOutsideFileByEveryTrick() {
    Map<String, FileRoutes.Kind> kinds =
        FileRoutes.ALL.stream()
            .collect(Collectors.toMap(FileRoutes.Route::name, FileRoutes.Route::kind));
    Set<FileRoutes.Kind> changing =
        EnumSet.of(
            FileRoutes.Kind.WRITE_IN_FOLDER,
            FileRoutes.Kind.CREATE,
            FileRoutes.Kind.MODIFY,
            FileRoutes.Kind.DELETE);
    return Check.in(free.stdout().lines().toList())
        .filter(check -> !check.inside())
        .map(
            check ->
                DynamicTest.dynamicTest(
                    check.toString(),
                    () -> {
                      check.assumeSupported();
                      if (check.target().equals("dangling-link")
                          && check
                              .line()
                              .matches(
                                  ".* NOT-DENIED (failed java.nio.file.FileAlreadyExistsException: .*|returned false)")) {
                        // creating only what is new does not follow a link: the kernel itself
                        // refuses, agent or not
                        return;
                      }
                      assertThat(check.line()).contains(" NOT-DENIED returned");
                      if (check.route().equals("File.deleteOnExit")) {
                        // deletes when the JVM ends: see
                        // withoutTheAgentAFileAToolAskedToDeleteOnExitIsGoneAfterTheJvmEnded
                        return;
                      }
                      if (changing.contains(kinds.get(check.route()))) {
                        assertThat(check.line()).contains(", CHANGED outside: ");
                      }
                    }));
  }

  @Test
  void withoutTheAgentEveryRouteRanWithAllItsTricks() {
    assertThat(Check.in(free.stdout().lines().toList()).map(Check::toString))
        .containsExactlyElementsOf(Check.in(lines).map(Check::toString).toList());
    assertThat(free.exitCode()).as(free.toString()).isZero();
  }

  @Test
  void withoutTheAgentAFileAToolAskedToDeleteOnExitIsGoneAfterTheJvmEnded() {
    assertThat(dir.resolve("without-agent/secret/s.txt")).doesNotExist();
    assertThat(dir.resolve("without-agent/box-secrets/x.txt")).doesNotExist();
    assertThat(dir.resolve("without-agent/box-inside/x.txt")).doesNotExist();
    assertThat(dir.resolve("without-agent/secret/sub/t.txt")).exists();
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
    assertThat(Files.readString(dir.resolve("routes/secret/s.txt")))
        .isEqualTo(FileRoutesApp.SECRET + "\n");
    assertThat(Files.readString(dir.resolve("routes/box-inside/x.txt")))
        .isEqualTo(FileRoutesApp.SECRET + "\n");
  }

  @TestFactory
  Stream<DynamicTest> outsideAnyToolNothingIsChecked() {
    return lines.stream()
        .filter(line -> line.startsWith("OUTSIDE-TOOL "))
        .map(
            line ->
                DynamicTest.dynamicTest(
                    line.substring(13).replaceAll(" (ok|FAILED.*|unsupported)$", ""),
                    () -> {
                      Assumptions.assumeFalse(line.endsWith(" unsupported"), line);
                      assertThat(line).endsWith(" ok");
                    }));
  }

  @Test
  void eachDenialIsAuditedWithThePathAsGivenAndWhereItLeads() throws Exception {
    List<Map<String, String>> audit = AuditLines.read(dir.resolve("routes/audit.jsonl"));
    Path secret = dir.resolve("routes/secret").toRealPath();

    assertThat(audit)
        .filteredOn(line -> "file".equals(line.get("event")))
        .allMatch(line -> "deny".equals(line.get("decision")) && "fs".equals(line.get("tool")))
        .anyMatch(
            line ->
                line.get("path").endsWith("inside/file-link.txt")
                    && line.get("resolved").equals(secret.resolve("s.txt").toString())
                    && "read".equals(line.get("operation"))
                    && line.get("rule").equals("../policy.yaml:4"));
  }

  @Test
  void aDenialNamesTheToolTheOperationThePathAsGivenWhereItLeadsAndTheRule() throws Exception {
    ChildJvm.Result result = run(dir.resolve("message"), "message");
    Path secret = dir.resolve("message/secret/s.txt").toRealPath();

    assertThat(result.stdout())
        .as(result.toString())
        .contains(
            "MESSAGE java.lang.SecurityException: Tool 'fs' may not read"
                + " '../secret/s.txt' ("
                + secret
                + "): it is outside the sandbox root "
                + dir.resolve("message/box").toRealPath()
                + " and no absolute read glob grants it [rule ../policy.yaml:4]");
  }

  @Test
  void aLinkSwappedWhileTheToolReadsAndWritesNeverReachesTheOutsideFile() throws Exception {
    ChildJvm.Result result = run(dir.resolve("race"), "race", "4000");

    String race =
        result
            .stdout()
            .lines()
            .filter(line -> line.startsWith("RACE "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(result.toString()));
    assertThat(race)
        .contains(" leaked=0 ", " victim=ORIGINAL")
        .doesNotContain("reads=0 ", "denied=0 ", "writes=0 ");
  }

  @Test
  void theApplicationsLogbackRollsItsLogFileWhileAToolLogs() throws Exception {
    List<Path> logback;
    try (Stream<Path> libs = Files.list(ChildJvm.HOST_APP_LIBS)) {
      logback =
          libs.filter(lib -> !lib.getFileName().toString().startsWith("byte-buddy"))
              .sorted()
              .toList();
    }
    ChildJvm.Result result =
        run(
            dir.resolve("logback"),
            true,
            List.of(),
            List.of(),
            logback,
            "io.toolguard.it.app.LogbackWork");

    assertThat(result.stdout()).as(result.toString()).contains("LOGBACK files=4 errors=0");
  }

  @Test
  void theJdksOwnFileAccessKeepsWorkingInsideATool() throws Exception {
    ChildJvm.Result result = run(dir.resolve("jdk"), "jdk");

    List<String> jdk = result.stdout().lines().filter(line -> line.startsWith("JDK ")).toList();
    assertThat(jdk)
        .as(result.toString())
        .hasSizeGreaterThan(15)
        .allMatch(line -> line.endsWith(" ok"));
    assertThat(result.stdout()).containsPattern("LOG files=[23]");
  }
}
