package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.RacesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, time of check against time of use: another thread of the tool keeps changing the JDK
 * collection it handed the JDK (the open options, the command list) while the tool opens a file it
 * may only read, or starts the one command it may. Without toolguard the harm happens at once; with
 * it, the JDK uses a copy toolguard took and checked (of the options) or is checked on the array it
 * starts (the command), so thousands of tries never write the file or run the command.
 */
class RacesIT {

  @TempDir Path base;

  @Test
  void whatTheJdkUsesIsWhatWasChecked() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path inside = Files.writeString(box.resolve("read-only.txt"), "original");
    Path marker = base.resolve("outside").resolve("marker");
    Files.createDirectories(marker.getParent());
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          race: {decision: allow, files: {read: ["**"]}, exec: ["true"]}
        """);

    ChildJvm.Result without =
        ChildJvm.in(box).app(RacesApp.class, inside.toString(), marker.toString());
    assertThat(without.lines("RACE "))
        .as(without.toString())
        .contains("RACE command flipped from true to touch held")
        .anyMatch(line -> line.startsWith("RACE open options flipped from read to write harm: "));
    assertThat(without.lines("MARKER ")).containsExactly("MARKER harm: touch ran");
    Files.writeString(inside, "original");
    Files.deleteIfExists(marker);

    ChildJvm.Result with =
        ChildJvm.in(box)
            .agent("policy=../policy.yaml,audit=../audit.jsonl")
            .app(RacesApp.class, inside.toString(), marker.toString());
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.lines("RACE "))
        .as(with.toString())
        .containsExactly(
            "RACE open options flipped from read to write held",
            "RACE command flipped from true to touch held");
    assertThat(with.lines("MARKER ")).containsExactly("MARKER absent");
    assertThat(inside).hasContent("original");
    assertThat(marker).doesNotExist();
  }
}
