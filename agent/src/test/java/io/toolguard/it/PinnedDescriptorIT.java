package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.AttributeCallbackApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code of a tool's that the JDK runs between a check and its open (a new file's attribute) cannot
 * have the descriptor the check pinned (JDK 22+) replaced by one of a file the tool may only read:
 * the attributes are the JDK's own, made before the check. Without the agent the write to the
 * read-only file happens; with it, that file is never written, and the granted write lands. And
 * toolguard's bridge, called directly by the tool, hands it nothing to open: a check that names no
 * operation is refused.
 */
class PinnedDescriptorIT {

  @TempDir Path dir;

  private ChildJvm.Result run(boolean withAgent) throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.createDirectories(box.resolve("data"));
    Files.createDirectories(box.resolve("out"));
    Files.writeString(box.resolve("data/a.txt"), "original");
    Files.writeString(dir.resolve("secret.txt"), "the secret");
    Files.writeString(box.resolve("out/x.txt"), "");
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          pin:
            decision: allow
            files:
              read: ["data/**"]
              write: ["out/**"]
        """);
    ChildJvm child = ChildJvm.in(box);
    if (withAgent) {
      child = child.agent("policy=../policy.yaml,audit=../audit.jsonl");
    }
    return child.app(AttributeCallbackApp.class, box.toString());
  }

  @Test
  void aToolsCallbackBetweenCheckAndOpenCannotRedirectTheOpen() throws Exception {
    ChildJvm.Result without = run(false);
    assertThat(without.stdout())
        .as(without.toString())
        .contains("DIRECT harm", "BRIDGE harm the secret", "A harm");

    ChildJvm.Result with = run(true);
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.stdout())
        .as(with.toString())
        .contains("DIRECT denied", "BRIDGE denied", "CALLBACK wrote", "A original", "X harm")
        .doesNotContain("the secret");
  }
}
