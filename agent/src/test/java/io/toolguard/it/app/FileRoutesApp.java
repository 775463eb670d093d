package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The application of the file-confinement tests: {@code FileRoutesApp BASE SCENARIO}, run with its
 * working folder at {@code BASE/box} (the sandbox). The tool {@code fs} may read, write and delete
 * {@code inside/**}; {@code BASE/secret}, {@code BASE/box-secrets} and {@code BASE/box-inside} are
 * outside. Prints one line per check:
 *
 * <ul>
 *   <li>{@code ROUTE name inside ok|FAILED …} and {@code ROUTE name variant denied|NOT-DENIED …};
 *       either ends in {@code CHANGED outside: …} when the check changed anything outside the
 *       sandbox, which is then put back as it was, so that each check starts from the same files
 *   <li>{@code ROUTE name inside|variant unsupported…} instead, for a route this file system cannot
 *       run
 *   <li>{@code OUTSIDE-TOOL name ok|FAILED|unsupported …}: the same route on an outside file, with
 *       no tool running
 *   <li>{@code UNTOUCHED yes|no …}: nothing outside the sandbox changed
 *   <li>{@code RACE …}, {@code JDK name ok|FAILED …}, {@code LOG …} for the other scenarios
 * </ul>
 */
public final class FileRoutesApp {

  public static final String SECRET = "TOPSECRET";

  private final Path base;
  private final Path box;
  private final Path inside;
  private final Path secret;
  private final Path sibling;

  /**
   * A sibling of the sandbox that a prefix test without the {@code /} would take for the granted
   * {@code inside}.
   */
  private final Path grantedSibling;

  private int fresh;

  /**
   * Why this file system cannot run the routes that need user-defined attributes, or null if it
   * can.
   */
  private String noUserAttributes;

  /** What is outside the sandbox now, as {@link #snapshot} describes it. */
  private Map<String, String> outside;

  private FileRoutesApp(Path base) {
    this.base = base;
    this.box = base.resolve("box");
    this.inside = box.resolve("inside");
    this.secret = base.resolve("secret");
    this.sibling = base.resolve("box-secrets");
    this.grantedSibling = base.resolve("box-inside");
  }

  public static void main(String[] args) throws Exception {
    FileRoutesApp app = new FileRoutesApp(Path.of(args[0]).toRealPath());
    app.createFixture();
    switch (args[1]) {
      case "routes" -> app.routes();
      case "race" -> app.race(Long.parseLong(args[2]));
      case "jdk" -> JdkWork.run(app.inside);
      case "handoff" -> HandOffWork.run(app.inside, app.secret);
      case "jvm" -> JvmWork.run();
      case "message" -> {
        try {
          fs(() -> Files.readString(Path.of("../secret/s.txt")));
        } catch (SecurityException denied) {
          System.out.println("MESSAGE " + denied);
        }
      }
      default -> throw new IllegalArgumentException(args[1]);
    }
  }

  /** The one tool: runs what it is handed, so every route runs inside the tool's context. */
  @Tool(name = "fs", risk = Risk.LOW)
  static Object fs(Callable<?> work) throws Exception {
    return work.call();
  }

  private void createFixture() throws IOException {
    Files.createDirectories(inside.resolve("sub"));
    Files.writeString(inside.resolve("a.txt"), "inside\n");
    Files.writeString(inside.resolve("sub/b.txt"), "inside\n");
    zip(inside.resolve("a.zip"), "inside");
    try {
      tag(inside.resolve("a.txt"));
    } catch (IOException | UnsupportedOperationException unsupported) {
      noUserAttributes = "this file system keeps no user-defined attributes: " + unsupported;
    }
    createOutside();
    Files.createSymbolicLink(inside.resolve("file-link.txt"), Path.of("../../secret/s.txt"));
    Files.createSymbolicLink(inside.resolve("file-link.zip"), Path.of("../../secret/s.zip"));
    Files.createSymbolicLink(inside.resolve("dir-link"), secret);
  }

  /** The files outside the sandbox: the secret folder and the sandbox's siblings. */
  private void createOutside() throws IOException {
    Files.createDirectories(secret.resolve("sub"));
    Files.createDirectories(sibling);
    Files.createDirectories(grantedSibling);
    Files.writeString(secret.resolve("s.txt"), SECRET + "\n");
    Files.writeString(secret.resolve("sub/t.txt"), SECRET + "\n");
    Files.writeString(sibling.resolve("x.txt"), SECRET + "\n");
    Files.writeString(grantedSibling.resolve("x.txt"), SECRET + "\n");
    zip(secret.resolve("s.zip"), SECRET);
    zip(sibling.resolve("x.zip"), SECRET);
    zip(grantedSibling.resolve("x.zip"), SECRET);
    if (noUserAttributes == null) {
      for (Path file :
          List.of(
              secret.resolve("s.txt"), sibling.resolve("x.txt"), grantedSibling.resolve("x.txt"))) {
        tag(file);
      }
    }
  }

  /** Gives a file the user-defined attribute that the attribute routes read, change and delete. */
  private static void tag(Path file) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    if (view == null) {
      throw new UnsupportedOperationException("no user-defined attribute view");
    }
    view.write(FileRoutes.USER_ATTRIBUTE, StandardCharsets.UTF_8.encode("tag"));
  }

  private List<Path> outsideRoots() {
    return List.of(secret, sibling, grantedSibling);
  }

  private static void zip(Path file, String content) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      out.putNextEntry(new ZipEntry("entry.txt"));
      out.write(content.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  private void routes() throws Exception {
    Map<String, String> before = snapshot();
    outside = before;
    for (FileRoutes.Route route : FileRoutes.ALL) {
      Path scratch = scratch();
      Path target = insideTarget(route.kind(), scratch);
      Map<String, Path> variants = outsideTargets(route);
      if (route.needsUserAttributes() && noUserAttributes != null) {
        System.out.println("ROUTE " + route.name() + " inside unsupported: " + noUserAttributes);
        variants
            .keySet()
            .forEach(
                variant ->
                    System.out.println("ROUTE " + route.name() + " " + variant + " unsupported"));
        continue;
      }
      String outcome;
      try {
        fs(() -> route.action().run(target, scratch));
        outcome = "ok";
      } catch (Throwable failed) {
        outcome = "FAILED " + failed;
      }
      System.out.println("ROUTE " + route.name() + " inside " + outcome + changedOutside());
      // A hard link the route made gives the inside file a second link, which sandbox globs no
      // longer grant (it might be a secret's other name); later routes need it single again.
      Files.deleteIfExists(scratch.resolveSibling(scratch.getFileName() + ".hard"));
      for (Map.Entry<String, Path> variant : variants.entrySet()) {
        Path otherScratch = scratch();
        try {
          Object result = fs(() -> route.action().run(variant.getValue(), otherScratch));
          outcome = "NOT-DENIED returned " + describe(result);
        } catch (Throwable failure) {
          outcome = isDenial(failure) ? "denied" : "NOT-DENIED failed " + failure;
        }
        System.out.println(
            "ROUTE " + route.name() + " " + variant.getKey() + " " + outcome + changedOutside());
      }
    }
    linkInside();
    Map<String, String> after = snapshot();
    System.out.println(
        before.equals(after) ? "UNTOUCHED yes" : "UNTOUCHED no " + difference(before, after));
    outsideAnyTool();
  }

  /**
   * {@return empty if nothing outside the sandbox changed since the last check, else what did} If
   * anything did, the outside files are made anew, so that the next check finds them as the first
   * did.
   */
  private String changedOutside() throws IOException {
    Map<String, String> now = snapshot();
    if (now.equals(outside)) {
      return "";
    }
    String changes = difference(outside, now);
    for (Path root : outsideRoots()) {
      if (Files.notExists(root, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    createOutside();
    outside = snapshot();
    return ", CHANGED outside: " + changes;
  }

  /**
   * Deleting a link inside the sandbox deletes the link, not where it leads; a directory stream's
   * relative paths, which toolguard cannot resolve, are refused; and after many allowed operations
   * in one call (some of which call others inside the JDK), the next outside access is still
   * denied.
   */
  private void linkInside() throws IOException {
    Path scratch = scratch();
    try {
      fs(
          () -> {
            Path a = inside.resolve("a.txt");
            Files.size(a);
            Files.readAttributes(a, "posix:*");
            Files.setLastModifiedTime(scratch, java.nio.file.attribute.FileTime.fromMillis(0));
            Files.setAttribute(
                scratch, "lastModifiedTime", java.nio.file.attribute.FileTime.fromMillis(0));
            Files.copy(a, scratch, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(
                scratch,
                scratch.resolveSibling("moved"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.isDirectory(inside);
            return Files.readString(secret.resolve("s.txt"));
          });
      System.out.println("SEQUENCE NOT-DENIED");
    } catch (Exception failure) {
      System.out.println(
          "SEQUENCE " + (isDenial(failure) ? "denied" : "NOT-DENIED failed " + failure));
    }
    Path link = inside.resolve("delete-me");
    Files.createSymbolicLink(link, Path.of("../../secret/s.txt"));
    try {
      fs(
          () -> {
            Files.delete(link);
            return null;
          });
      System.out.println(
          "LINK-DELETE "
              + (Files.notExists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                      && Files.exists(secret.resolve("s.txt"))
                  ? "ok"
                  : "FAILED"));
    } catch (Exception failed) {
      System.out.println("LINK-DELETE FAILED " + failed);
    }
    try {
      fs(
          () -> {
            try (var stream =
                (java.nio.file.SecureDirectoryStream<Path>) Files.newDirectoryStream(inside)) {
              return stream.newByteChannel(
                  Path.of("a.txt"), java.util.Set.of(java.nio.file.StandardOpenOption.READ));
            }
          });
      System.out.println("SECURE-DIRECTORY NOT-DENIED");
    } catch (Exception failure) {
      System.out.println(
          "SECURE-DIRECTORY " + (isDenial(failure) ? "denied" : "NOT-DENIED failed " + failure));
    }
  }

  /** Reading routes on an outside file work when no tool is running: nothing is checked there. */
  private void outsideAnyTool() throws IOException {
    for (FileRoutes.Route route : FileRoutes.ALL) {
      if (route.kind() == FileRoutes.Kind.READ || route.kind() == FileRoutes.Kind.LIST) {
        Path target = route.kind() == FileRoutes.Kind.READ ? secret.resolve("s.txt") : secret;
        if (route.needsUserAttributes() && noUserAttributes != null) {
          System.out.println("OUTSIDE-TOOL " + route.name() + " unsupported");
          continue;
        }
        Path scratch = scratch();
        try {
          route.action().run(target, scratch);
          System.out.println("OUTSIDE-TOOL " + route.name() + " ok");
        } catch (Exception failed) {
          System.out.println("OUTSIDE-TOOL " + route.name() + " FAILED " + failed);
        }
      }
    }
  }

  private Path scratch() throws IOException {
    Path scratch = inside.resolve("scratch-" + (++fresh) + ".txt");
    Files.writeString(scratch, "scratch\n");
    if (noUserAttributes == null) {
      tag(scratch);
    }
    return scratch;
  }

  private Path insideTarget(FileRoutes.Kind kind, Path scratch) {
    return switch (kind) {
      case READ -> inside.resolve("a.txt");
      case READ_ZIP -> inside.resolve("a.zip");
      case LIST, WRITE_IN_FOLDER -> inside;
      case CREATE -> inside.resolve("new-" + fresh);
      case MODIFY, DELETE -> scratch;
    };
  }

  /**
   * The outside targets a route is tried on: a route that acts on a link itself is not tried on
   * links.
   */
  private Map<String, Path> outsideTargets(FileRoutes.Route route) throws IOException {
    Map<String, Path> targets = outsideTargets(route.kind());
    if (!route.followsLinks()) {
      targets
          .keySet()
          .removeIf(variant -> variant.contains("link-to") || variant.equals("dangling-link"));
    }
    return targets;
  }

  /** Each way of naming a path outside the sandbox that the tests try. */
  private Map<String, Path> outsideTargets(FileRoutes.Kind kind) throws IOException {
    Map<String, Path> targets = new LinkedHashMap<>();
    switch (kind) {
      case READ, MODIFY, DELETE -> {
        tricks(targets, "s.txt");
        if (kind != FileRoutes.Kind.DELETE) {
          // deleting or moving a link acts on the link itself, which is inside: see the "link"
          // routes
          targets.put("link-to-file", inside.resolve("file-link.txt"));
        }
        targets.put("sibling-prefix", sibling.resolve("x.txt"));
        targets.put("sibling-prefix-matching-grant", grantedSibling.resolve("x.txt"));
      }
      case READ_ZIP -> {
        tricks(targets, "s.zip");
        targets.put("link-to-file", inside.resolve("file-link.zip"));
        targets.put("sibling-prefix", sibling.resolve("x.zip"));
        targets.put("sibling-prefix-matching-grant", grantedSibling.resolve("x.zip"));
      }
      case LIST, WRITE_IN_FOLDER -> {
        targets.put("absolute", secret);
        targets.put("dot-dot", Path.of(inside + "/../../secret"));
        targets.put("link-to-folder", inside.resolve("dir-link"));
        targets.put("dot-dot-after-link", Path.of(inside + "/dir-link/../secret"));
        targets.put("relative", Path.of("../secret"));
        targets.put("proc-self-root", Path.of("/proc/self/root" + secret));
        targets.put("sibling-prefix", sibling);
        targets.put("sibling-prefix-matching-grant", grantedSibling);
      }
      case CREATE -> {
        String name = "new-" + (++fresh);
        tricks(targets, name);
        targets.put("sibling-prefix", sibling.resolve(name));
        targets.put("sibling-prefix-matching-grant", grantedSibling.resolve(name));
        Path dangling = inside.resolve("dangling-" + fresh);
        Files.createSymbolicLink(dangling, Path.of("../../secret/" + name + "-via-dangling-link"));
        targets.put("dangling-link", dangling);
      }
    }
    return targets;
  }

  /**
   * The same outside file named through {@code ..}, {@code .}, {@code //}, a linked folder, the
   * working folder and /proc. In {@code dot-dot-after-link}, {@code ..} leaves the folder the link
   * leads to ({@code BASE/secret}), not the link's folder: read as text it would be {@code
   * inside/secret/…}.
   */
  private void tricks(Map<String, Path> targets, String name) {
    targets.put("absolute", secret.resolve(name));
    targets.put("dot-dot", Path.of(inside + "/../../secret/" + name));
    targets.put("dot-and-double-slash", Path.of(box + "/./inside/.//../../secret/" + name));
    targets.put("through-linked-folder", inside.resolve("dir-link").resolve(name));
    targets.put("dot-dot-after-link", Path.of(inside + "/dir-link/../secret/" + name));
    targets.put("relative", Path.of("../secret/" + name));
    targets.put("proc-self-root", Path.of("/proc/self/root" + secret.resolve(name)));
  }

  static boolean isDenial(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SecurityException) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Object result) {
    String text =
        result instanceof byte[] bytes
            ? new String(bytes, StandardCharsets.UTF_8)
            : String.valueOf(result);
    return text.replace('\n', ' ');
  }

  /**
   * What is outside the sandbox: every entry's type, size, content (or where a link leads),
   * permissions, owner and group, modification time and change time. The change time moves with any
   * change to a file or its attributes, an owner set to the same one included.
   */
  private Map<String, String> snapshot() throws IOException {
    Map<String, String> entries = new TreeMap<>();
    for (Path root : outsideRoots()) {
      if (Files.notExists(root, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path path : (Iterable<Path>) walk::iterator) {
          Map<String, Object> unix =
              Files.readAttributes(
                  path, "unix:mode,uid,gid,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
          String state =
              Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                  ? "folder"
                  : Files.isSymbolicLink(path)
                      ? "link to " + Files.readSymbolicLink(path)
                      : "file " + unix.get("size") + " " + hash(path);
          entries.put(
              path.toString(),
              state
                  + " mode "
                  + Integer.toOctalString((Integer) unix.get("mode"))
                  + " owner "
                  + unix.get("uid")
                  + ":"
                  + unix.get("gid")
                  + " modified "
                  + unix.get("lastModifiedTime")
                  + " changed "
                  + unix.get("ctime")
                  + userAttributes(path));
        }
      }
    }
    return entries;
  }

  /** {@return a file's or folder's user-defined attributes, each as {@code user.name=value}} */
  private String userAttributes(Path path) throws IOException {
    if (noUserAttributes != null || Files.isSymbolicLink(path)) {
      return "";
    }
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
    StringBuilder attributes = new StringBuilder();
    for (String name : new TreeSet<>(view.list())) {
      ByteBuffer value = ByteBuffer.allocate(view.size(name));
      view.read(name, value);
      attributes
          .append(" user.")
          .append(name)
          .append('=')
          .append(HexFormat.of().formatHex(value.array()));
    }
    return attributes.toString();
  }

  private static String hash(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String difference(Map<String, String> before, Map<String, String> after) {
    List<String> changes = new ArrayList<>();
    before.forEach(
        (path, state) -> {
          if (!state.equals(after.get(path))) {
            changes.add(path + ": " + state + " -> " + after.get(path));
          }
        });
    after.keySet().stream()
        .filter(path -> !before.containsKey(path))
        .forEach(path -> changes.add(path + ": created"));
    return String.join("; ", changes);
  }

  /**
   * A thread outside any tool flips {@code inside/flip} between a file inside and the secret one,
   * and {@code inside/flop} between a file inside and a secret file, while the tool reads the one
   * and writes the other; no read may return the secret, and the secret file must not change.
   */
  private void race(long millis) throws Exception {
    Path flip = inside.resolve("flip");
    Path flop = inside.resolve("flop");
    Path victim = secret.resolve("victim.txt");
    Files.writeString(victim, "ORIGINAL");
    Files.writeString(inside.resolve("w.txt"), "inside");
    Files.createSymbolicLink(flip, Path.of("a.txt"));
    Files.createSymbolicLink(flop, Path.of("w.txt"));
    AtomicBoolean running = new AtomicBoolean(true);
    Thread flipper =
        new Thread(
            () -> {
              boolean toSecret = false;
              while (running.get()) {
                toSecret = !toSecret;
                try {
                  relink(flip, toSecret ? Path.of("../../secret/s.txt") : Path.of("a.txt"));
                  relink(flop, toSecret ? Path.of("../../secret/victim.txt") : Path.of("w.txt"));
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            },
            "flipper");
    flipper.start();
    int reads = 0;
    int denied = 0;
    int leaked = 0;
    int writes = 0;
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      for (Callable<?> work :
          List.<Callable<?>>of(
              () -> Files.readString(flip),
              () -> {
                try (InputStream in = new java.io.FileInputStream(flip.toFile())) {
                  return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
              },
              () -> Files.writeString(flop, "OVERWRITTEN"),
              () -> {
                try (OutputStream out = new java.io.FileOutputStream(flop.toFile())) {
                  out.write("OVERWRITTEN".getBytes(StandardCharsets.UTF_8));
                }
                return null;
              })) {
        try {
          Object result = fs(work);
          if (result instanceof String text) {
            reads++;
            leaked += text.contains(SECRET) ? 1 : 0;
          } else {
            writes++;
          }
        } catch (Throwable failure) {
          if (isDenial(failure)) {
            denied++;
          }
        }
      }
    }
    running.set(false);
    flipper.join();
    System.out.println(
        "RACE reads="
            + reads
            + " writes="
            + writes
            + " denied="
            + denied
            + " leaked="
            + leaked
            + " victim="
            + Files.readString(victim));
  }

  private static void relink(Path link, Path target) throws IOException {
    Path next = link.resolveSibling(link.getFileName() + ".next");
    Files.deleteIfExists(next);
    Files.createSymbolicLink(next, target);
    Files.move(next, link, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
