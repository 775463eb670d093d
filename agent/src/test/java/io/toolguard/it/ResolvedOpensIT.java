package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ResolvedOpensApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On JDK 22+ an open of an existing file is decided on the path the kernel resolved for the
 * descriptor the JDK then opens (on JDK 17, and for new files, on the path resolved in Java, then
 * pinned): a hard link to a secret, a {@code ..} after a link, and a link planted as the final name
 * of a file a tool creates reach the outside without the agent and never with it, while names the
 * kernel could confuse (a file named {@code "x (deleted)"}, one with a newline) and links inside
 * work as before. Denials name where the path really led.
 */
class ResolvedOpensIT {

  @TempDir Path dir;

  private ChildJvm.Result run(boolean withAgent) throws Exception {
    Path box = dir.resolve(withAgent ? "with" : "without");
    Path data = Files.createDirectories(box.resolve("box/data"));
    Path outside = Files.createDirectories(box.resolve("outside/sub"));
    Files.writeString(box.resolve("box/secret.txt"), "secret one");
    Files.writeString(box.resolve("outside/secret.txt"), "secret two");
    Files.createLink(data.resolve("hard.txt"), box.resolve("box/secret.txt"));
    Files.createSymbolicLink(data.resolve("link"), outside);
    Files.createSymbolicLink(data.resolve("new.txt"), box.resolve("outside/victim.txt"));
    Files.writeString(data.resolve("x (deleted)"), "kept");
    Files.writeString(data.resolve("line\nbreak.txt"), "two lines");
    Files.writeString(data.resolve("plain.txt"), "plain");
    Files.createSymbolicLink(data.resolve("to-inside.txt"), Path.of("plain.txt"));
    Files.writeString(
        box.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          resolved:
            decision: allow
            files:
              read: ["data/**"]
              write: ["data/**"]
        """);
    ChildJvm child = ChildJvm.in(box.resolve("box"));
    if (withAgent) {
      child = child.agent("policy=../policy.yaml,audit=../audit.jsonl");
    }
    return child.app(ResolvedOpensApp.class);
  }

  @Test
  void theOutsideIsReachedWithoutTheAgentAndNeverWithIt() throws Exception {
    ChildJvm.Result without = run(false);
    assertThat(without.stdout())
        .as(without.toString())
        .contains(
            "hard-link-stream read secret one",
            "hard-link-channel read secret one",
            "dot-dot-after-link read secret two",
            "dot-dot-after-link-channel read secret two",
            "planted-final-name wrote",
            "deleted-suffix read kept",
            "newline-name read two lines",
            "inside-link read plain",
            "write-existing wrote");
    assertThat(dir.resolve("without/outside/victim.txt")).hasContent("harm");

    ChildJvm.Result with = run(true);
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.stdout())
        .as(with.toString())
        .contains(
            "hard-link-stream denied SecurityException",
            "hard-link-channel denied SecurityException",
            "dot-dot-after-link denied SecurityException",
            "dot-dot-after-link-channel denied SecurityException",
            "planted-final-name denied SecurityException",
            "planted-final-name-channel denied SecurityException",
            "deleted-suffix read kept",
            "newline-name read two lines",
            "inside-link read plain",
            "write-existing wrote",
            "after (deleted) kept!")
        .doesNotContain("secret one", "secret two");
    assertThat(dir.resolve("with/outside/victim.txt")).doesNotExist();

    List<Map<String, String>> audit = AuditLines.read(dir.resolve("with/audit.jsonl"));
    Path outside = dir.resolve("with/outside").toRealPath();
    assertThat(audit)
        .filteredOn(line -> "file".equals(line.get("event")))
        .anyMatch(
            line ->
                "data/link/../secret.txt".equals(line.get("path"))
                    && outside.resolve("secret.txt").toString().equals(line.get("resolved")))
        .anyMatch(
            line ->
                "data/new.txt".equals(line.get("path"))
                    && outside.resolve("victim.txt").toString().equals(line.get("resolved"))
                    && "write".equals(line.get("operation")));
  }

  /**
   * A relative path is resolved as the JDK's file system resolves it, against {@code user.dir},
   * when that is not the process's working folder; a listed file whose name is not valid in the
   * platform's encoding is never confused with the sibling its name reads as (on JDK 22+ it cannot
   * be opened inside a tool; see the README's limitations).
   */
  @Test
  void relativePathsAndUndecodableNamesOpenTheFileTheJdkWould() throws Exception {
    for (boolean withAgent : new boolean[] {false, true}) {
      Path box = Files.createDirectories(dir.resolve(withAgent ? "with2" : "without2"));
      Path cwd = Files.createDirectories(box.resolve("cwd/data"));
      Path home = Files.createDirectories(box.resolve("home/data"));
      Files.writeString(cwd.resolve("where.txt"), "CWD");
      Files.writeString(home.resolve("where.txt"), "USERDIR");
      Process names =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "printf invalid > \"$(printf 'n\\377')\"; printf replacement > \"$(printf 'n\\357\\277\\275')\"")
              .directory(home.toFile())
              .inheritIO()
              .start();
      assertThat(names.waitFor()).isZero();
      Files.writeString(
          box.resolve("policy.yaml"),
          "version: 1\nsandbox: "
              + box.resolve("home")
              + "\ntools:\n  elsewhere:\n    decision: allow\n    files:\n"
              + "      read: [\"data/**\"]\n      write: [\"data/**\"]\n");
      ChildJvm child =
          ChildJvm.in(box.resolve("cwd"))
              .env("LC_ALL", "C.UTF-8")
              .jvmArg("-Duser.dir=" + box.resolve("home"));
      if (withAgent) {
        child =
            child.agent(
                "policy=" + box.resolve("policy.yaml") + ",audit=" + box.resolve("audit.jsonl"));
      }
      ChildJvm.Result result = child.app(ResolvedOpensApp.class, "elsewhere");
      assertThat(result.exitCode()).as(result.toString()).isZero();
      boolean pinned = withAgent && Runtime.version().feature() >= 22;
      assertThat(result.stdout().lines())
          .as(result.toString())
          .containsExactly(
              "relative-read read USERDIR",
              "relative-write wrote",
              "replacement-name read replacement",
              pinned ? "invalid-name denied SecurityException" : "invalid-name read invalid");
      assertThat(home.resolve("out.txt")).hasContent("written");
      assertThat(cwd.resolve("out.txt")).doesNotExist();
    }
  }
}
