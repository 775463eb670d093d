package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.JvmStateApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, state the JVM shares through instance methods: code in a tool resets or rewrites the
 * one logging configuration, plants a class loader or handler on the application's running thread,
 * changes the user's preferences (which the JDK's own sync writes to disk later, after the tool
 * returned) and replaces process-wide defaults. Without toolguard each takes effect; with it each
 * is denied and audited, nothing planted reaches the preferences on disk, a tool still logs first,
 * changes its own thread and sets up a pool's threads, and the application changes all of it
 * itself.
 */
class JvmStateIT {

  @TempDir Path base;

  @Test
  void aToolCannotChangeStateTheWholeJvmShares() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          state: {decision: allow, files: {read: ["**"], write: ["**"]}}
        """);

    Path withoutPrefs = box.resolve("prefs-without");
    ChildJvm.Result without =
        ChildJvm.in(box)
            .jvmArg("-Djava.util.prefs.userRoot=" + withoutPrefs)
            .app(JvmStateApp.class);
    assertThat(without.lines("STATE "))
        .as(without.toString())
        .hasSize(16)
        .allMatch(line -> line.contains(" harm: "));
    assertThat(preferencesOnDisk(withoutPrefs)).contains("by-a-tool", "planted-by-import");

    Path withPrefs = box.resolve("prefs-with");
    ChildJvm.Result with =
        ChildJvm.in(box)
            .jvmArg("-Djava.util.prefs.userRoot=" + withPrefs)
            .agent("policy=../policy.yaml,audit=../audit.jsonl")
            .app(JvmStateApp.class);
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.lines("STATE "))
        .as(with.toString())
        .hasSize(16)
        .allMatch(line -> line.endsWith(" denied"));
    assertThat(with.lines("LEGIT "))
        .as(with.toString())
        .containsExactly(
            "LEGIT the JVM's first logging ok",
            "LEGIT its own thread's name and loader ok",
            "LEGIT a pool whose factory sets up its threads ok",
            "LEGIT reading a preference ok");
    assertThat(with.lines("OUTSIDE "))
        .as(with.toString())
        .hasSize(4)
        .allMatch(line -> line.endsWith(" ok"));
    assertThat(preferencesOnDisk(withPrefs))
        .contains("by-the-application")
        .doesNotContain("by-a-tool", "planted-by-import");
    List<Map<String, String>> audit = AuditLines.read(base.resolve("audit.jsonl"));
    assertThat(audit)
        .filteredOn(line -> "jvm".equals(line.get("event")) && "deny".equals(line.get("decision")))
        .extracting(line -> line.get("action"))
        .contains(
            "reset the logging configuration",
            "change the logging configuration",
            "change the context class loader of thread 'application-worker'",
            "change the name of thread 'application-worker'",
            "change a preference",
            "remove a preferences node",
            "change the default time zone");
  }

  /** {@return every preferences file under the root, one after the other} */
  private static String preferencesOnDisk(Path root) throws IOException {
    if (!Files.exists(root)) {
      return "";
    }
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(file));
      }
    }
    return all.toString();
  }
}
