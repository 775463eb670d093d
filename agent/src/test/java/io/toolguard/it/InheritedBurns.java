package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a run of {@code InheritedToolApp} shows: its inherited tool {@code burn} ran (and wrote
 * {@code burned.txt}, removed here for the next run), or was denied and wrote nothing.
 */
final class InheritedBurns {

  /** A policy that denies {@code burn}. */
  static final String POLICY =
      """
      version: 1
      sandbox: .
      tools:
        burn:
          decision: deny
      """;

  private InheritedBurns() {}

  /** The tool ran, as it does without toolguard: the harm each test first shows. */
  static void assertBurned(ChildJvm.Result run, Path dir) throws IOException {
    assertThat(run.stdout()).as(run.toString()).contains("burn: ran");
    assertThat(dir.resolve("burned.txt")).exists();
    Files.delete(dir.resolve("burned.txt"));
  }

  /** toolguard found the inherited tool and denied it. */
  static void assertDenied(ChildJvm.Result run, Path dir) {
    assertThat(run.stdout())
        .as(run.toString())
        .contains("burn: denied: Tool 'burn' was denied by toolguard")
        .doesNotContain("burn: ran");
    assertThat(dir.resolve("burned.txt")).doesNotExist();
  }
}
