package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.HostileObjectsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, time of check against time of use: objects of a tool's own classes handed to the JDK
 * (a {@code File} subclass, a {@code Path} of its own, an option set, a command list) answer the
 * check one way and the JDK another, or run the tool's code while toolguard looks at them. Without
 * toolguard each does its harm outside the tool's grants; with it each is denied, and the outside
 * files are untouched.
 */
class HostileObjectsIT {

  private static final String SECRET = "hostile-objects-secret";

  @TempDir Path base;

  @Test
  void objectsOfAToolsOwnClassesCannotFoolTheChecks() throws Exception {
    ChildJvm.Result without = run(false);
    // The spying path reads nothing without toolguard: the JDK refuses a path of another provider
    // without asking it anything. It is a route only toolguard's own check could open, by asking
    // the path where it leads while the thread is marked as checking.
    assertThat(objectLines(without))
        .as(without.toString())
        .hasSize(4)
        .filteredOn(line -> !line.contains("Path of its own"))
        .allMatch(line -> line.contains(" harm: "));
    assertThat(objectLines(without))
        .contains("OBJECT Path of its own whose methods run while it is checked nothing read");

    ChildJvm.Result with = run(true);
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(objectLines(with))
        .as(with.toString())
        .hasSize(4)
        .allMatch(line -> line.endsWith(" denied"));
    assertThat(with.stdout()).doesNotContain(SECRET);
    assertThat(base.resolve("outside/victim.txt")).hasContent(SECRET);
    assertThat(base.resolve("outside/marker.txt")).doesNotExist();
    assertThat(base.resolve("box/inside.txt")).hasContent("inside");
  }

  private ChildJvm.Result run(boolean withAgent) throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(box.resolve("inside.txt"), "inside");
    Files.writeString(outside.resolve("victim.txt"), SECRET);
    Files.deleteIfExists(outside.resolve("marker.txt"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          objects:
            decision: allow
            files: {read: ["**"]}
            exec: ["true"]
        """);
    ChildJvm child = ChildJvm.in(box);
    if (withAgent) {
      child.agent("policy=../policy.yaml,audit=../audit.jsonl");
    }
    return child.app(
        HostileObjectsApp.class, box.resolve("inside.txt").toString(), outside.toString());
  }

  private static List<String> objectLines(ChildJvm.Result result) {
    return result.stdout().lines().filter(line -> line.startsWith("OBJECT ")).toList();
  }
}
