package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toolguard.it.app.AbiSwitchApp;
import io.toolguard.it.app.AbiTrickApp;
import io.toolguard.it.app.PinningSwitchApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the kernel offers (pinned opens, the exec sandbox) is asked after {@code premain} on JDK
 * 22+, while the application's {@code main} already runs; what the answers depend on is still what
 * the JVM was started with. {@code -Dtoolguard.pinned_opens=off} on the command line turns pinning
 * off (the observable works: no descriptor held); the same property set by the application's {@code
 * main} before the probe has ended, or by a tool, does not.
 */
class KernelAnswersIT {

  @TempDir Path dir;

  private ChildJvm child() throws Exception {
    return child("");
  }

  private ChildJvm child(String policyLine) throws Exception {
    Files.createDirectories(dir.resolve("box/data"));
    Files.writeString(dir.resolve("box/data/a.txt"), "granted data");
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        %s
        tools:
          flip:
            decision: allow
          read:
            decision: allow
            files:
              read: ["data/**"]
        """
            .formatted(policyLine));
    return ChildJvm.in(dir.resolve("box")).agent("policy=../policy.yaml,audit=../audit.jsonl");
  }

  @Test
  void pinningTurnedOffOnTheCommandLineHoldsNoDescriptor() throws Exception {
    assumeTrue(Runtime.version().feature() >= 22, "JDK 22+ pins opens");
    ChildJvm.Result result =
        child().jvmArg("-Dtoolguard.pinned_opens=off").app(PinningSwitchApp.class);

    assertThat(result.lines("read: ")).as(result.toString()).containsExactly("read: granted data");
    assertThat(result.lines("held: ")).as(result.toString()).containsExactly("held: 0");
    assertThat(result.stderr())
        .contains("files tools open are not pinned (turned off with -Dtoolguard.pinned_opens=off)");
  }

  @Test
  void neitherTheApplicationNorAToolCanTurnPinningOffOnceTheJvmStarted() throws Exception {
    assumeTrue(Runtime.version().feature() >= 22, "JDK 22+ pins opens");
    ChildJvm.Result result = child().app(PinningSwitchApp.class);

    assertThat(result.lines("main set: ")).as(result.toString()).containsExactly("main set: off");
    assertThat(result.lines("flip: ")).as(result.toString()).hasSize(1);
    assertThat(result.lines("read: ")).as(result.toString()).containsExactly("read: granted data");
    assertThat(result.lines("held: ")).as(result.toString()).containsExactly("held: 1");
    assertThat(result.stderr())
        .as(result.toString())
        .contains("files tools open are opened with openat2, pinned to the path checked")
        .doesNotContain("not pinned");
  }

  @Test
  void whereTheLineNeedsNoAnswerItIsPrintedBeforeMainEvenWithNoToolCalled() throws Exception {
    ChildJvm.Result off = child("exec_sandbox: \"off\"").app(PinningSwitchApp.class, "no-tool");

    assertThat(off.stdout()).as(off.toString()).isEqualTo("main ran\n");
    assertThat(off.stderr())
        .as(off.toString())
        .contains(
            "toolguard: exec sandbox: off (exec_sandbox: off); processes tools start run with the"
                + " JVM's rights");

    if (Runtime.version().feature() < 22) {
      ChildJvm.Result older = child().app(PinningSwitchApp.class, "no-tool");
      assertThat(older.stderr())
          .as(older.toString())
          .contains(
              "toolguard: exec sandbox: unavailable (JDK "
                  + Runtime.version().feature()
                  + " has no foreign function API");
    }
  }

  @Test
  void theApplicationCannotMakeTheForeignApiAnswerUnsupported() throws Exception {
    assertTheApplicationCannotSwitchLandlockOff(AbiSwitchApp.class);
  }

  @Test
  void evenByTrickeryTheApplicationCannotMakeTheForeignApiAnswerUnsupported() throws Exception {
    assertTheApplicationCannotSwitchLandlockOff(AbiTrickApp.class);
  }

  /**
   * Runs {@code app}, which tries to switch Landlock off from its {@code main}, then has its tool
   * {@code run} start {@code cat} on a file outside the tool's grants: without toolguard {@code
   * cat} reads it; with it, Landlock is there and refuses.
   */
  private void assertTheApplicationCannotSwitchLandlockOff(Class<?> app) throws Exception {
    assumeTrue(Runtime.version().feature() >= 22, "JDK 22+ has the kernel sandbox");
    Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("secret.txt"), "TOP SECRET");
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          run:
            decision: allow
            exec: [cat]
            files:
              read: ["data/**"]
        """);

    // Without toolguard, the granted program reads what it likes.
    ChildJvm.Result plain = ChildJvm.in(dir.resolve("box")).app(app, "../secret.txt");
    assertThat(plain.lines("run: "))
        .as(plain.toString())
        .containsExactly("run: exit 0: TOP SECRET");

    ChildJvm.Result guarded =
        ChildJvm.in(dir.resolve("box"))
            .agent("policy=../policy.yaml,audit=../audit.jsonl")
            .app(app, "../secret.txt");

    assertThat(guarded.lines("run: ")).as(guarded.toString()).hasSize(1);
    assertThat(guarded.stdout()).as(guarded.toString()).doesNotContain("TOP SECRET");
    assertThat(guarded.stderr())
        .as(guarded.toString())
        .contains("toolguard: exec sandbox: Landlock ABI")
        .doesNotContain("unavailable");
  }
}
