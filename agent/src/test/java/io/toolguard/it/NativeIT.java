package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.toolguard.it.app.NativeApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, past the JVM: code in a tool that loads a native library, calls C through the FFM
 * API, takes {@code sun.misc.Unsafe} or attaches to this JVM reaches past every check. Without
 * toolguard each route does its harm (a library loaded, {@code getpid} called natively, the
 * application's private flag flipped, the JVM's secret property read through the attach API); with
 * it each is denied and audited, the JVM prints no native-access warning and keeps running, and a
 * library's Unsafe taken outside tools still works inside one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeIT {

  private static final String SECRET = "native-attach-secret";

  @TempDir static Path base;
  private ChildJvm.Result without;
  private ChildJvm.Result with;

  @BeforeAll
  void runWithoutAndWithToolguard() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          hostile: {decision: allow, files: {read: ["**"], write: ["**"]}}
        """);
    without = child(box).app(NativeApp.class);
    with = child(box).agent("policy=../policy.yaml,audit=../audit.jsonl").app(NativeApp.class);
  }

  /**
   * On JDK 17 the child resolves the incubating foreign-function module and lets the unnamed module
   * call it natively, as an application that uses it would.
   */
  private static ChildJvm child(Path box) {
    ChildJvm child =
        ChildJvm.in(box)
            .jvmArg("-Djdk.attach.allowAttachSelf=true")
            .jvmArg("-Dtoolguard.secret=" + SECRET);
    if (Runtime.version().feature() < 22) {
      child.jvmArg("--add-modules=jdk.incubator.foreign");
      child.jvmArg("--enable-native-access=ALL-UNNAMED");
    }
    return child;
  }

  @Test
  void withoutToolguardEachRouteDoesItsHarm() {
    assertThat(without.lines("NATIVE "))
        .as(without.toString())
        .hasSize(routes())
        .allMatch(line -> line.contains(" harm: "));
    assertThat(without.stdout()).contains("read the secret through the attach API");
  }

  @Test
  void withToolguardEachRouteIsDeniedAndTheJvmStaysQuiet() throws Exception {
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.lines("NATIVE "))
        .as(with.toString())
        .hasSize(routes())
        .allMatch(line -> line.endsWith(" denied"));
    assertThat(with.stderr())
        .doesNotContain("restricted method", "Exception", "Error")
        .doesNotContain(SECRET);
    List<Map<String, String>> audit = AuditLines.read(base.resolve("audit.jsonl"));
    assertThat(audit)
        .filteredOn(line -> "jvm".equals(line.get("event")) && "deny".equals(line.get("decision")))
        .extracting(line -> line.get("action"))
        .contains(
            // From JDK 24 JNI's loads are restricted methods too, asked about first.
            Runtime.version().feature() >= 24
                ? "call a restricted method (native code or raw memory)"
                : "load a native library",
            "obtain Unsafe (through sun.misc.Unsafe.theUnsafe)",
            "obtain Unsafe (through sun.misc.Unsafe)",
            "obtain Unsafe (through io.toolguard.it.app.Vault$Library.unsafe)",
            "attach to a JVM");
  }

  @Test
  void onJdk22AndLaterTheForeignFunctionApiIsDenied() {
    assumeThat(Runtime.version().feature())
        .as(
            "the FFM API is final from JDK 22; on 17 it incubates in jdk.incubator.foreign, which a"
                + " JVM resolves only with --add-modules")
        .isGreaterThanOrEqualTo(22);
    assertThat(without.stdout())
        .as(without.toString())
        .contains("NATIVE FFM downcall to getpid harm: called getpid() natively");
    assertThat(with.lines("NATIVE FFM "))
        .as(with.toString())
        .containsExactly(
            "NATIVE FFM downcall to getpid denied",
            "NATIVE FFM SymbolLookup.libraryLookup of the C library denied",
            "NATIVE FFM MemorySegment.reinterpret of a raw address denied");
  }

  @Test
  void theJdkItselfKeepsItsInternalUnsafeClosed() {
    for (ChildJvm.Result result : List.of(without, with)) {
      assertThat(result.lines("CLOSED "))
          .as(result.toString())
          .containsExactly(
              "CLOSED setAccessible on jdk.internal.misc.Unsafe refused",
              "CLOSED Module.addOpens of java.base to the tool refused");
    }
  }

  @Test
  void aLibrarysUnsafeTakenOutsideToolsStillWorksInsideOne() {
    for (ChildJvm.Result result : List.of(without, with)) {
      assertThat(result.lines("LEGIT "))
          .as(result.toString())
          .containsExactly(
              "LEGIT a library's Unsafe obtained outside tools ok",
              "LEGIT setAccessible on the application's own field ok");
    }
  }

  @Test
  void onJdk17TheIncubatingForeignFunctionApiIsDenied() {
    assumeThat(Runtime.version().feature())
        .as("jdk.incubator.foreign is the JDK 17 to 21 form of the FFM API")
        .isLessThan(22);
    assertThat(without.stdout())
        .as(without.toString())
        .contains("NATIVE incubating FFM downcall to getpid harm: called getpid() natively");
    assertThat(with.stdout()).contains("NATIVE incubating FFM downcall to getpid denied");
  }

  /** {@return how many routes the application tries on this JDK} */
  private static int routes() {
    return Runtime.version().feature() >= 22 ? 14 : 12;
  }
}
