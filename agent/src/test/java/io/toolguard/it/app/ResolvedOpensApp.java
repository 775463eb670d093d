package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens that JDK 22+ decides on what the kernel resolved, by a tool that may read and write {@code
 * data/**} of its sandbox (the working folder): a hard link in {@code data} to {@code
 * ../secret.txt} read by a stream and by a channel, {@code data/link/../secret.txt} where {@code
 * data/link} leads to {@code ../outside/sub} (so the path ends in {@code outside/secret.txt}), a
 * write through a link planted as the final name {@code data/new.txt} of a file the tool creates
 * ({@code ../outside/victim.txt}), and beside them legitimate reads and writes of files whose names
 * end in {@code " (deleted)"} or hold a newline, through a link inside. {@code ResolvedOpensApp}
 * prints {@code NAME read CONTENT}, {@code NAME wrote} or {@code NAME denied} for each.
 */
public final class ResolvedOpensApp {

  private ResolvedOpensApp() {}

  private interface Open {
    String run() throws IOException;
  }

  @Tool(name = "resolved", risk = Risk.LOW)
  static String resolved(String unused) {
    StringBuilder out = new StringBuilder();
    attempt(out, "hard-link-stream", () -> stream(new FileInputStream("data/hard.txt")));
    attempt(out, "hard-link-channel", () -> Files.readString(Path.of("data/hard.txt")));
    attempt(
        out, "dot-dot-after-link", () -> stream(new FileInputStream("data/link/../secret.txt")));
    attempt(
        out,
        "dot-dot-after-link-channel",
        () -> Files.readString(Path.of("data/link/../secret.txt")));
    attempt(
        out,
        "planted-final-name",
        () -> {
          try (FileOutputStream written = new FileOutputStream("data/new.txt")) {
            written.write("harm".getBytes(StandardCharsets.UTF_8));
          }
          return "wrote";
        });
    attempt(
        out,
        "planted-final-name-channel",
        () -> {
          Files.writeString(Path.of("data/new.txt"), "harm");
          return "wrote";
        });
    attempt(out, "deleted-suffix", () -> stream(new FileInputStream("data/x (deleted)")));
    attempt(out, "newline-name", () -> Files.readString(Path.of("data/line\nbreak.txt")));
    attempt(out, "inside-link", () -> stream(new FileInputStream("data/to-inside.txt")));
    attempt(
        out,
        "write-existing",
        () -> {
          try (FileOutputStream written = new FileOutputStream("data/x (deleted)", true)) {
            written.write('!');
          }
          return "wrote";
        });
    return out.toString();
  }

  private static void attempt(StringBuilder out, String name, Open open) {
    try {
      String result = open.run();
      out.append(name)
          .append(result.equals("wrote") ? " wrote" : " read " + result.replace('\n', ' '))
          .append('\n');
    } catch (IOException | SecurityException refused) {
      out.append(name).append(" denied ").append(refused.getClass().getSimpleName()).append('\n');
    }
  }

  private static String stream(InputStream opened) throws IOException {
    try (InputStream in = opened) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Relative paths and odd names: {@code data/where.txt} read and {@code data/out.txt} written with
   * {@code java.nio} (both relative to {@code user.dir}, which the test sets apart from the working
   * folder), then each file of {@code data} whose name starts with {@code n}, as listed: one whose
   * name is not valid UTF-8 ({@code invalid-name}) and one named by U+FFFD, the character the
   * first's name reads as ({@code replacement-name}).
   */
  @Tool(name = "elsewhere", risk = Risk.LOW)
  static String elsewhere(String unused) throws IOException {
    StringBuilder out = new StringBuilder();
    attempt(out, "relative-read", () -> Files.readString(Path.of("data/where.txt")));
    attempt(
        out,
        "relative-write",
        () -> {
          Files.writeString(Path.of("data/out.txt"), "written");
          return "wrote";
        });
    try (java.util.stream.Stream<Path> listed = Files.list(Path.of("data"))) {
      for (Path file : listed.sorted().toList()) {
        if (file.getFileName().toString().startsWith("n")) {
          boolean valid = Path.of(file.toString()).equals(file);
          attempt(out, valid ? "replacement-name" : "invalid-name", () -> Files.readString(file));
        }
      }
    }
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("elsewhere")) {
      System.out.print(elsewhere(""));
      return;
    }
    System.out.print(resolved(""));
    System.out.println("after (deleted) " + Files.readString(Path.of("data/x (deleted)")));
  }
}
