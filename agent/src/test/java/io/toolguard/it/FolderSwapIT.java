package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toolguard.it.app.FolderSwapApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder-swap race of the JVM's own opens inside a tool: a folder below the granted root is
 * swapped for a link to an outside folder, and back, while the tool opens files below it. With the
 * pinning turned off (and on JDK 17 to 21, which have no foreign function API) the check can see
 * the real folder and the JDK then open through the link: the outside file is read. With openat2
 * pinning (JDK 22+), thousands of tries never read nor write outside, and reads inside keep
 * working.
 */
class FolderSwapIT {

  @TempDir Path dir;

  private static final boolean PINNING_JDK = Runtime.version().feature() >= 22;
  private static final Pattern COUNTS =
      Pattern.compile(
          "swap: ran: tries (\\d+), outside reads (\\d+), inside reads (\\d+), swaps the pinning"
              + " caught (\\d+)");

  private ChildJvm child() throws Exception {
    Files.createDirectories(dir.resolve("box/data/sub"));
    Files.createDirectories(dir.resolve("outside/sub"));
    Files.writeString(dir.resolve("box/data/sub/f.txt"), "inside");
    Files.writeString(dir.resolve("outside/sub/f.txt"), "the secret");
    Files.deleteIfExists(dir.resolve("outside/sub/w.txt"));
    Files.deleteIfExists(dir.resolve("box/data/link"));
    Files.createSymbolicLink(dir.resolve("box/data/link"), dir.resolve("outside/sub"));
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          swap:
            decision: allow
            files:
              read: ["data/**"]
              write: ["data/**"]
        """);
    return ChildJvm.in(dir.resolve("box")).agent("policy=../policy.yaml,audit=../audit.jsonl");
  }

  private static Matcher counts(ChildJvm.Result result) {
    Matcher matcher = COUNTS.matcher(String.join("\n", result.lines("swap: ")));
    assertThat(matcher.find()).as(result.toString()).isTrue();
    return matcher;
  }

  @Test
  void withoutPinningTheSwapRedirectsAnAllowedOpen() throws Exception {
    ChildJvm jvm = child();
    if (PINNING_JDK) {
      jvm.jvmArg("-Dtoolguard.pinned_opens=off");
    }
    ChildJvm.Result result = jvm.app(FolderSwapApp.class, "30", "true");

    Matcher counts = counts(result);
    System.out.println("JDK " + Runtime.version().feature() + ", not pinned: " + counts.group());
    assertThat(Long.parseLong(counts.group(2))).as(result.toString()).isPositive();
  }

  @Test
  void pinnedOpensNeverLandOutside() throws Exception {
    assumeTrue(
        PINNING_JDK,
        "JDK "
            + Runtime.version().feature()
            + " has no foreign function API: opens are made on the resolved path as before, and"
            + " the swap can redirect them (withoutPinningTheSwapRedirectsAnAllowedOpen)");
    ChildJvm.Result result = child().app(FolderSwapApp.class, "5", "false", "5000");

    Matcher counts = counts(result);
    System.out.println("JDK " + Runtime.version().feature() + ", pinned: " + counts.group());
    assertThat(Long.parseLong(counts.group(1))).as(result.toString()).isGreaterThanOrEqualTo(5_000);
    assertThat(Long.parseLong(counts.group(2))).as(result.toString()).isZero();
    assertThat(Long.parseLong(counts.group(3))).as(result.toString()).isPositive();
    // the race was really run: opens met a swapped-in link, and were refused
    assertThat(Long.parseLong(counts.group(4))).as(result.toString()).isPositive();
    assertThat(result.lines("outside writes: ")).containsExactly("outside writes: none");
    assertThat(dir.resolve("outside/sub/w.txt")).doesNotExist();
    assertThat(result.stderr()).doesNotContain("WARNING");
  }
}
