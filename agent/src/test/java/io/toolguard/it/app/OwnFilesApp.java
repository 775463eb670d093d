package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The application of the own-files tests, run in the sandbox root {@code box}. {@code OwnFilesApp
 * RESTORE TARGET...} (or {@code OwnFilesApp terminal}, which reads a line from {@code /dev/tty}
 * inside the tool) has the ordinary tool {@code fs}, which does what its arguments say to the paths
 * they name, try every way of touching each TARGET (a file or, for {@code folder-*} attacks, its
 * folder), then reads and writes the sandbox's own files and files with more than one hard link.
 * Prints {@code ATTEMPT ACTION PATH ok RESULT} or {@code ATTEMPT ACTION PATH denied MESSAGE} (or
 * {@code failed}). With RESTORE {@code restore} (runs without the agent), each attempt starts from
 * the files in {@code ../pristine}, so that every attack can be seen doing its harm.
 */
public final class OwnFilesApp {

  /** What is tried on each of toolguard's files. */
  public static final List<String> ATTACKS =
      List.of(
          "read",
          "read-stream",
          "write",
          "append",
          "truncate",
          "output-stream",
          "delete",
          "file-delete",
          "move",
          "rename-to",
          "copy-over",
          "copy-from",
          "hard-link",
          "symlink-and-read",
          "chmod",
          "set-last-modified",
          "exists",
          "size",
          "folder-move",
          "folder-rename-to");

  private OwnFilesApp() {}

  /**
   * The tool: an ordinary file tool that trusts its arguments.
   *
   * @param action what to do
   * @param path the path it is done to
   */
  @Tool(name = "fs", risk = Risk.LOW)
  static String fs(String action, String path) throws IOException {
    Path p = Path.of(path);
    Path scratch = Path.of("scratch");
    String name = p.getFileName().toString();
    switch (action) {
      case "read":
        return Files.readString(p);
      case "read-stream":
        try (var in = new java.io.FileInputStream(path)) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      case "write":
        Files.writeString(p, "version: 1\nsandbox: /\nunlisted_tools: allow\n");
        return "written";
      case "append":
        Files.writeString(p, "\nunlisted_tools: allow\n", StandardOpenOption.APPEND);
        return "appended";
      case "truncate":
        try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
          channel.truncate(0);
        }
        return "truncated";
      case "output-stream":
        new FileOutputStream(path).close();
        return "emptied";
      case "delete":
        Files.delete(p);
        return "deleted";
      case "file-delete":
        return "deleted: " + new File(path).delete();
      case "move":
        Files.move(p, scratch.resolve(name + ".moved"));
        return "moved";
      case "rename-to":
        return "renamed: " + new File(path).renameTo(scratch.resolve(name + ".renamed").toFile());
      case "copy-over":
        Files.copy(Path.of("work/notes.txt"), p, StandardCopyOption.REPLACE_EXISTING);
        return "replaced";
      case "copy-from":
        Files.copy(p, scratch.resolve(name + ".copy"));
        return Files.readString(scratch.resolve(name + ".copy"));
      case "hard-link":
        Files.createLink(scratch.resolve(name + ".hard"), p);
        return "linked";
      case "symlink-and-read":
        Path link = Files.createSymbolicLink(scratch.resolve(name + ".sym"), p.toAbsolutePath());
        return Files.readString(link);
      case "chmod":
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
        return "made writable by all";
      case "set-last-modified":
        return "set: " + new File(path).setLastModified(0);
      case "read-line":
        try (var in =
            new java.io.BufferedReader(new java.io.FileReader(path, StandardCharsets.UTF_8))) {
          return in.readLine();
        }
      case "write-line":
        try (var out = new FileOutputStream(path)) {
          out.write("forged approval prompt\n".getBytes(StandardCharsets.UTF_8));
        }
        return "written";
      case "secure-stream-read":
        try (var folder =
                (java.nio.file.SecureDirectoryStream<Path>)
                    Files.newDirectoryStream(p.toAbsolutePath().getParent());
            var channel =
                folder.newByteChannel(p.getFileName(), java.util.Set.of(StandardOpenOption.READ))) {
          java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4096);
          channel.read(bytes);
          return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        }
      case "exists":
        return "exists: " + Files.exists(p);
      case "size":
        return "size: " + Files.size(p);
      case "folder-move":
        Files.move(p.getParent(), scratch.resolve(p.getParent().getFileName() + ".moved"));
        return "folder moved";
      case "folder-rename-to":
        return "folder renamed: "
            + p.getParent().toFile().renameTo(scratch.resolve("renamed-folder").toFile());
      default:
        throw new IllegalArgumentException(action);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("terminal")) {
      // What the approver types on the terminal, read by a tool.
      attempt("read-line", "/dev/tty");
      attempt("exists", "/dev/tty");
      attempt("write-line", terminalsOtherName());
      return;
    }
    boolean restore = args[0].equals("restore");
    List<String> targets = List.of(args).subList(1, args.length);
    for (String target : targets) {
      for (String attack : ATTACKS) {
        if (restore) {
          restore();
        }
        attempt(attack, target);
      }
    }
    if (restore) {
      restore();
    }
    // A path toolguard cannot resolve (relative to an open folder) might be one of its files.
    attempt("secure-stream-read", "logs/audit.jsonl");
    attempt("read", "work/notes.txt");
    attempt("write", "work/notes.txt");
    attempt("read", "work/linked.txt");
    attempt("write", "work/linked.txt");
    attempt("delete", "work/linked.txt");
    attempt("read", "shared/reference.txt");
    // Long enough for a reload (every 0.2 s) to pick up a changed policy, had any changed.
    Thread.sleep(1500);
    attempt("read-stream", "work/notes.txt");
    Path token = Path.of("conf/approval.token");
    System.out.println(
        "TOKEN-AT-END "
            + (Files.exists(token) ? Files.readString(token).strip() : "missing")
            + " "
            + PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
  }

  /** {@return the controlling terminal's own name, {@code /dev/pts/N}} */
  private static String terminalsOtherName() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    long device = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[4]);
    long major = (device >> 8) & 0xfff;
    long minor = (device & 0xff) | ((device >> 12) & 0xfff00);
    return "/dev/pts/" + ((major - 136) * 256 + minor);
  }

  private static void attempt(String action, String path) {
    String outcome;
    try {
      outcome = "ok " + fs(action, path).replace('\n', '|');
    } catch (SecurityException denied) {
      outcome = "denied " + denied.getMessage();
    } catch (IOException | RuntimeException failed) {
      outcome = "failed " + failed;
    }
    System.out.println("ATTEMPT " + action + " " + path + " " + outcome);
  }

  /** Lays toolguard's files out again from {@code ../pristine}, and empties the scratch folder. */
  private static void restore() throws IOException {
    Path pristine = Path.of("../pristine");
    for (String folder : List.of("scratch", "conf", "logs")) {
      wipe(Path.of(folder));
    }
    Files.createDirectories(Path.of("scratch"));
    try (Stream<Path> files = Files.walk(pristine)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path to = Path.of(pristine.relativize(file).toString());
        Files.createDirectories(to.getParent());
        Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void wipe(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
