package io.toolguard.it.app;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Formatter;
import java.util.List;
import java.util.Scanner;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * Every JDK route to the disk the file-confinement tests try, each as a function of the path it
 * targets. The {@link Kind} says which paths a route is tried on: the inside one must work, each
 * outside one (and each path trick) must be denied.
 */
public final class FileRoutes {

  /** What a route does with its target; {@code scratch} is a fresh file inside the sandbox. */
  public interface Action {
    Object run(Path target, Path scratch) throws Exception;
  }

  /** Which targets a route is tried on. */
  public enum Kind {
    /** Reads or probes an existing file. */
    READ,
    /** Reads or probes an existing zip file. */
    READ_ZIP,
    /** Lists or probes a folder. */
    LIST,
    /** Creates a file in a folder. */
    WRITE_IN_FOLDER,
    /** Creates a new file or folder. */
    CREATE,
    /** Changes an existing file. */
    MODIFY,
    /** Deletes or moves away an existing file. */
    DELETE
  }

  /**
   * @param followsLinks false for a route that acts on a link in the last segment itself (deleting,
   *     renaming or hard-linking it, creating an entry where it is, walking a tree without
   *     following links): such a route is not tried on links, which it would rightly be allowed to
   *     act on
   * @param needsUserAttributes true for a route that works only where the file system keeps
   *     user-defined attributes (Linux keeps DOS attributes in one too): where it does not, the
   *     route is reported unsupported rather than run
   */
  public record Route(
      String name, Kind kind, boolean followsLinks, boolean needsUserAttributes, Action action) {
    Route(String name, Kind kind, boolean followsLinks, Action action) {
      this(name, kind, followsLinks, false, action);
    }

    Route(String name, Kind kind, Action action) {
      this(name, kind, true, false, action);
    }

    static Route needingUserAttributes(String name, Kind kind, Action action) {
      return new Route(name, kind, true, true, action);
    }
  }

  /** The user-defined attribute ({@code user.tg}) that every file the routes are tried on has. */
  static final String USER_ATTRIBUTE = "tg";

  private FileRoutes() {}

  public static final List<Route> ALL =
      List.of(
          // java.nio.file reads and probes
          new Route("Files.readAllBytes", Kind.READ, (p, s) -> Files.readAllBytes(p)),
          new Route("Files.readString", Kind.READ, (p, s) -> Files.readString(p)),
          new Route("Files.readAllLines", Kind.READ, (p, s) -> Files.readAllLines(p)),
          new Route(
              "Files.lines",
              Kind.READ,
              (p, s) -> {
                try (var lines = Files.lines(p)) {
                  return lines.count();
                }
              }),
          new Route(
              "Files.newInputStream",
              Kind.READ,
              (p, s) -> {
                try (InputStream in = Files.newInputStream(p)) {
                  return in.readAllBytes();
                }
              }),
          new Route(
              "Files.newBufferedReader",
              Kind.READ,
              (p, s) -> {
                try (var in = Files.newBufferedReader(p)) {
                  return in.readLine();
                }
              }),
          new Route(
              "Files.newByteChannel(READ)",
              Kind.READ,
              (p, s) -> {
                try (var channel = Files.newByteChannel(p, StandardOpenOption.READ)) {
                  return channel.read(ByteBuffer.allocate(64));
                }
              }),
          new Route(
              "FileChannel.open(READ)",
              Kind.READ,
              (p, s) -> {
                try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ)) {
                  return channel.read(ByteBuffer.allocate(64));
                }
              }),
          new Route(
              "AsynchronousFileChannel.open(READ)",
              Kind.READ,
              (p, s) -> {
                try (var channel = AsynchronousFileChannel.open(p, StandardOpenOption.READ)) {
                  return channel.read(ByteBuffer.allocate(64), 0).get();
                }
              }),
          new Route(
              "Files.copy(path, OutputStream)",
              Kind.READ,
              (p, s) -> Files.copy(p, OutputStream.nullOutputStream())),
          new Route(
              "Files.copy(target, inside)",
              Kind.READ,
              (p, s) -> Files.copy(p, s.resolveSibling(s.getFileName() + ".copy"))),
          new Route("Files.exists", Kind.READ, (p, s) -> Files.exists(p)),
          new Route("Files.notExists", Kind.READ, (p, s) -> Files.notExists(p)),
          new Route("Files.isRegularFile", Kind.READ, (p, s) -> Files.isRegularFile(p)),
          new Route("Files.size", Kind.READ, (p, s) -> Files.size(p)),
          new Route("Files.getLastModifiedTime", Kind.READ, (p, s) -> Files.getLastModifiedTime(p)),
          new Route(
              "Files.readAttributes(class)",
              Kind.READ,
              (p, s) -> Files.readAttributes(p, BasicFileAttributes.class)),
          new Route(
              "Files.readAttributes(names)",
              Kind.READ,
              (p, s) -> Files.readAttributes(p, "posix:*")),
          new Route(
              "Files.getPosixFilePermissions",
              Kind.READ,
              (p, s) -> Files.getPosixFilePermissions(p)),
          new Route("Files.getOwner", Kind.READ, (p, s) -> Files.getOwner(p)),
          new Route("Files.isReadable", Kind.READ, (p, s) -> Files.isReadable(p)),
          new Route("Files.isSameFile", Kind.READ, (p, s) -> Files.isSameFile(p, p)),
          new Route("Files.isHidden", Kind.READ, (p, s) -> Files.isHidden(p)),
          new Route("Files.getFileStore", Kind.READ, (p, s) -> Files.getFileStore(p)),
          new Route(
              "Files.getFileAttributeView.readAttributes",
              Kind.READ,
              (p, s) ->
                  Files.getFileAttributeView(p, BasicFileAttributeView.class).readAttributes()),
          Route.needingUserAttributes(
              "UserDefinedFileAttributeView.list",
              Kind.READ,
              (p, s) -> Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).list()),
          Route.needingUserAttributes(
              "UserDefinedFileAttributeView.size",
              Kind.READ,
              (p, s) ->
                  Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                      .size(USER_ATTRIBUTE)),
          Route.needingUserAttributes(
              "UserDefinedFileAttributeView.read",
              Kind.READ,
              (p, s) -> {
                ByteBuffer value = ByteBuffer.allocate(64);
                Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                    .read(USER_ATTRIBUTE, value);
                return new String(value.array(), 0, value.position(), StandardCharsets.UTF_8);
              }),
          Route.needingUserAttributes(
              "Files.readAttributes(DosFileAttributes)",
              Kind.READ,
              (p, s) -> Files.readAttributes(p, DosFileAttributes.class).isHidden()),
          new Route("Path.toRealPath", Kind.READ, (p, s) -> p.toRealPath()),
          new Route(
              "Files.createSymbolicLink(inside, target)",
              Kind.READ,
              (p, s) ->
                  Files.createSymbolicLink(
                      s.resolveSibling(s.getFileName() + ".link"), p.toAbsolutePath())),
          new Route(
              "Files.createLink(inside, target)",
              Kind.READ,
              false,
              (p, s) -> Files.createLink(s.resolveSibling(s.getFileName() + ".hard"), p)),
          // java.io reads and probes
          new Route(
              "FileInputStream(String)",
              Kind.READ,
              (p, s) -> {
                try (var in = new FileInputStream(p.toString())) {
                  return in.readAllBytes();
                }
              }),
          new Route(
              "FileInputStream(File)",
              Kind.READ,
              (p, s) -> {
                try (var in = new FileInputStream(p.toFile())) {
                  return in.readAllBytes();
                }
              }),
          new Route(
              "FileReader",
              Kind.READ,
              (p, s) -> {
                try (var in = new FileReader(p.toFile(), StandardCharsets.UTF_8)) {
                  return in.read();
                }
              }),
          new Route(
              "RandomAccessFile(r)",
              Kind.READ,
              (p, s) -> {
                try (var file = new RandomAccessFile(p.toFile(), "r")) {
                  return file.readLine();
                }
              }),
          new Route(
              "Scanner(File)",
              Kind.READ,
              (p, s) -> {
                try (var in = new Scanner(p.toFile(), StandardCharsets.UTF_8)) {
                  return in.nextLine();
                }
              }),
          new Route(
              "Scanner(Path)",
              Kind.READ,
              (p, s) -> {
                try (var in = new Scanner(p, StandardCharsets.UTF_8)) {
                  return in.nextLine();
                }
              }),
          new Route("File.exists", Kind.READ, (p, s) -> p.toFile().exists()),
          new Route("File.isFile", Kind.READ, (p, s) -> p.toFile().isFile()),
          new Route("File.length", Kind.READ, (p, s) -> p.toFile().length()),
          new Route("File.lastModified", Kind.READ, (p, s) -> p.toFile().lastModified()),
          new Route("File.canRead", Kind.READ, (p, s) -> p.toFile().canRead()),
          new Route("File.isHidden", Kind.READ, (p, s) -> p.toFile().isHidden()),
          new Route("File.getCanonicalPath", Kind.READ, (p, s) -> p.toFile().getCanonicalPath()),
          new Route("File.getFreeSpace", Kind.READ, (p, s) -> p.toFile().getFreeSpace()),
          new Route("File.getTotalSpace", Kind.READ, (p, s) -> p.toFile().getTotalSpace()),
          new Route("File.getUsableSpace", Kind.READ, (p, s) -> p.toFile().getUsableSpace()),
          new Route("File.canWrite", Kind.READ, (p, s) -> p.toFile().canWrite()),
          new Route("File.canExecute", Kind.READ, (p, s) -> p.toFile().canExecute()),
          // URLs
          new Route(
              "URL.openStream(file:)",
              Kind.READ,
              (p, s) -> {
                try (InputStream in = p.toUri().toURL().openStream()) {
                  return in.readAllBytes();
                }
              }),
          new Route(
              "URLConnection.getInputStream(file:)",
              Kind.READ,
              (p, s) -> {
                try (InputStream in = p.toUri().toURL().openConnection().getInputStream()) {
                  return in.readAllBytes();
                }
              }),
          // archives
          new Route(
              "ZipFile(File)",
              Kind.READ_ZIP,
              (p, s) -> {
                try (var zip = new ZipFile(p.toFile())) {
                  return zip.size();
                }
              }),
          new Route(
              "JarFile(String)",
              Kind.READ_ZIP,
              (p, s) -> {
                try (var jar = new JarFile(p.toString())) {
                  return jar.size();
                }
              }),
          new Route(
              "FileSystems.newFileSystem(zip)",
              Kind.READ_ZIP,
              (p, s) -> {
                try (var zip = FileSystems.newFileSystem(p)) {
                  return Files.readAllBytes(zip.getPath("entry.txt"));
                }
              }),
          new Route(
              "URL.openStream(jar:file:)",
              Kind.READ_ZIP,
              (p, s) -> {
                var connection =
                    URI.create("jar:" + p.toUri() + "!/entry.txt").toURL().openConnection();
                connection.setUseCaches(false);
                try (InputStream in = connection.getInputStream()) {
                  return in.readAllBytes();
                }
              }),
          // folders
          new Route(
              "Files.list",
              Kind.LIST,
              (p, s) -> {
                try (var entries = Files.list(p)) {
                  return entries.count();
                }
              }),
          new Route(
              "Files.newDirectoryStream",
              Kind.LIST,
              (p, s) -> {
                try (var entries = Files.newDirectoryStream(p)) {
                  return entries.iterator().hasNext();
                }
              }),
          new Route(
              "Files.walk",
              Kind.LIST,
              false,
              (p, s) -> {
                try (var entries = Files.walk(p)) {
                  return entries.count();
                }
              }),
          new Route(
              "Files.find",
              Kind.LIST,
              false,
              (p, s) -> {
                try (var entries = Files.find(p, 3, (path, attributes) -> true)) {
                  return entries.count();
                }
              }),
          new Route(
              "Files.walkFileTree",
              Kind.LIST,
              false,
              (p, s) ->
                  Files.walkFileTree(
                      p,
                      new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFileFailed(Path file, java.io.IOException e)
                            throws java.io.IOException {
                          throw e;
                        }
                      })),
          new Route("Files.isDirectory", Kind.LIST, (p, s) -> Files.isDirectory(p)),
          new Route("File.list", Kind.LIST, (p, s) -> p.toFile().list()),
          new Route("File.listFiles", Kind.LIST, (p, s) -> p.toFile().listFiles()),
          new Route("File.isDirectory", Kind.LIST, (p, s) -> p.toFile().isDirectory()),
          new Route(
              "URL.openStream(file: folder)",
              Kind.LIST,
              (p, s) -> {
                try (InputStream in = p.toUri().toURL().openStream()) {
                  return in.readAllBytes();
                }
              }),
          new Route(
              "URLClassLoader.addURL(folder)",
              Kind.LIST,
              (p, s) -> {
                try (var loader =
                    new URLClassLoader(new java.net.URL[0], null) {
                      {
                        addURL(p.toUri().toURL());
                      }
                    }) {
                  return loader.getResource("s.txt");
                }
              }),
          new Route(
              "URLClassLoader(folder)",
              Kind.LIST,
              (p, s) -> {
                try (var loader =
                    new URLClassLoader(new java.net.URL[] {p.toUri().toURL()}, null)) {
                  return loader.getResource("a.txt");
                }
              }),
          new Route(
              "Path.register(WatchService)",
              Kind.LIST,
              (p, s) -> {
                try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
                  return p.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
                }
              }),
          new Route(
              "File.createTempFile(folder)",
              Kind.WRITE_IN_FOLDER,
              (p, s) -> File.createTempFile("tmp", ".txt", p.toFile())),
          new Route(
              "Files.createTempFile(folder)",
              Kind.WRITE_IN_FOLDER,
              (p, s) -> Files.createTempFile(p, "tmp", ".txt")),
          new Route(
              "Files.createTempDirectory(folder)",
              Kind.WRITE_IN_FOLDER,
              (p, s) -> Files.createTempDirectory(p, "tmp")),
          // creating
          new Route("Files.write", Kind.CREATE, (p, s) -> Files.write(p, new byte[] {1})),
          new Route("Files.writeString", Kind.CREATE, (p, s) -> Files.writeString(p, "x")),
          new Route(
              "Files.newOutputStream",
              Kind.CREATE,
              (p, s) -> {
                try (OutputStream out = Files.newOutputStream(p)) {
                  out.write(1);
                }
                return null;
              }),
          new Route(
              "Files.newBufferedWriter",
              Kind.CREATE,
              (p, s) -> {
                try (var out = Files.newBufferedWriter(p)) {
                  out.write("x");
                }
                return null;
              }),
          new Route("Files.createFile", Kind.CREATE, (p, s) -> Files.createFile(p)),
          new Route(
              "Files.createDirectory", Kind.CREATE, false, (p, s) -> Files.createDirectory(p)),
          new Route(
              "Files.createDirectories",
              Kind.CREATE,
              (p, s) -> Files.createDirectories(p.resolve("deeper"))),
          new Route(
              "Files.newByteChannel(CREATE, WRITE)",
              Kind.CREATE,
              (p, s) -> {
                try (var channel =
                    Files.newByteChannel(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                  return channel.write(ByteBuffer.wrap(new byte[] {1}));
                }
              }),
          new Route(
              "FileChannel.open(CREATE, WRITE)",
              Kind.CREATE,
              (p, s) -> {
                try (var channel =
                    FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                  return channel.write(ByteBuffer.wrap(new byte[] {1}));
                }
              }),
          new Route(
              "AsynchronousFileChannel.open(CREATE, WRITE)",
              Kind.CREATE,
              (p, s) -> {
                try (var channel =
                    AsynchronousFileChannel.open(
                        p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                  return channel.write(ByteBuffer.wrap(new byte[] {1}), 0).get();
                }
              }),
          new Route(
              "Files.copy(InputStream, target)",
              Kind.CREATE,
              (p, s) -> Files.copy(InputStream.nullInputStream(), p)),
          new Route("Files.copy(inside, target)", Kind.CREATE, false, (p, s) -> Files.copy(s, p)),
          new Route("Files.move(inside, target)", Kind.CREATE, false, (p, s) -> Files.move(s, p)),
          new Route(
              "File.renameTo(target)",
              Kind.CREATE,
              false,
              (p, s) -> {
                if (!s.toFile().renameTo(p.toFile())) {
                  throw new java.io.IOException("renameTo returned false");
                }
                return null;
              }),
          new Route(
              "Files.createSymbolicLink(target, inside)",
              Kind.CREATE,
              false,
              (p, s) -> Files.createSymbolicLink(p, s)),
          new Route(
              "Files.createLink(target, inside)",
              Kind.CREATE,
              false,
              (p, s) -> Files.createLink(p, s)),
          new Route(
              "FileOutputStream(String)",
              Kind.CREATE,
              (p, s) -> {
                try (var out = new FileOutputStream(p.toString())) {
                  out.write(1);
                }
                return null;
              }),
          new Route(
              "FileOutputStream(File, append)",
              Kind.CREATE,
              (p, s) -> {
                try (var out = new FileOutputStream(p.toFile(), true)) {
                  out.write(1);
                }
                return null;
              }),
          new Route(
              "FileWriter",
              Kind.CREATE,
              (p, s) -> {
                try (var out = new FileWriter(p.toFile(), StandardCharsets.UTF_8)) {
                  out.write("x");
                }
                return null;
              }),
          new Route(
              "PrintWriter(File)",
              Kind.CREATE,
              (p, s) -> {
                try (var out = new PrintWriter(p.toFile(), StandardCharsets.UTF_8)) {
                  out.print("x");
                }
                return null;
              }),
          new Route(
              "PrintStream(File)",
              Kind.CREATE,
              (p, s) -> {
                try (var out = new PrintStream(p.toFile(), StandardCharsets.UTF_8)) {
                  out.print("x");
                }
                return null;
              }),
          new Route(
              "Formatter(File)",
              Kind.CREATE,
              (p, s) -> {
                try (var out = new Formatter(p.toFile(), "UTF-8")) {
                  out.format("%s", "x");
                }
                return null;
              }),
          new Route(
              "RandomAccessFile(rw)",
              Kind.CREATE,
              (p, s) -> {
                try (var file = new RandomAccessFile(p.toFile(), "rw")) {
                  file.write(1);
                }
                return null;
              }),
          new Route("File.createNewFile", Kind.CREATE, false, (p, s) -> p.toFile().createNewFile()),
          new Route("File.mkdir", Kind.CREATE, false, (p, s) -> p.toFile().mkdir()),
          new Route("File.mkdirs", Kind.CREATE, (p, s) -> p.resolve("deeper").toFile().mkdirs()),
          // changing
          new Route(
              "Files.write(APPEND)",
              Kind.MODIFY,
              (p, s) -> Files.writeString(p, "x", StandardOpenOption.APPEND)),
          new Route(
              "Files.newByteChannel(WRITE, TRUNCATE)",
              Kind.MODIFY,
              (p, s) -> {
                try (var channel =
                    Files.newByteChannel(
                        p, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                  return channel.size();
                }
              }),
          new Route(
              "Files.setLastModifiedTime",
              Kind.MODIFY,
              (p, s) -> Files.setLastModifiedTime(p, FileTime.fromMillis(0))),
          new Route(
              "Files.setPosixFilePermissions",
              Kind.MODIFY,
              (p, s) ->
                  Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"))),
          new Route(
              "Files.setAttribute",
              Kind.MODIFY,
              (p, s) -> Files.setAttribute(p, "lastModifiedTime", FileTime.fromMillis(0))),
          new Route(
              "BasicFileAttributeView.setTimes",
              Kind.MODIFY,
              (p, s) -> {
                Files.getFileAttributeView(p, BasicFileAttributeView.class)
                    .setTimes(FileTime.fromMillis(0), null, null);
                return null;
              }),
          new Route(
              "FileOutputStream(String, append)",
              Kind.MODIFY,
              (p, s) -> {
                try (var out = new FileOutputStream(p.toString(), true)) {
                  out.write('x');
                }
                return null;
              }),
          new Route(
              "RandomAccessFile(rw) on existing",
              Kind.MODIFY,
              (p, s) -> {
                try (var file = new RandomAccessFile(p.toString(), "rw")) {
                  file.setLength(0);
                }
                return null;
              }),
          new Route("File.setLastModified", Kind.MODIFY, (p, s) -> p.toFile().setLastModified(0)),
          new Route("File.setReadOnly", Kind.MODIFY, (p, s) -> p.toFile().setReadOnly()),
          new Route("File.setWritable", Kind.MODIFY, (p, s) -> p.toFile().setWritable(false)),
          new Route("File.setExecutable", Kind.MODIFY, (p, s) -> p.toFile().setExecutable(true)),
          Route.needingUserAttributes(
              "UserDefinedFileAttributeView.write",
              Kind.MODIFY,
              (p, s) ->
                  Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                      .write(USER_ATTRIBUTE, StandardCharsets.UTF_8.encode("changed"))),
          Route.needingUserAttributes(
              "UserDefinedFileAttributeView.delete",
              Kind.MODIFY,
              (p, s) -> {
                Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                    .delete(USER_ATTRIBUTE);
                return null;
              }),
          Route.needingUserAttributes(
              "Files.setAttribute(dos:hidden)",
              Kind.MODIFY,
              (p, s) -> Files.setAttribute(p, "dos:hidden", true)),
          Route.needingUserAttributes(
              "DosFileAttributeView.setSystem",
              Kind.MODIFY,
              (p, s) -> {
                Files.getFileAttributeView(p, DosFileAttributeView.class).setSystem(true);
                return null;
              }),
          // The owner and group it already has (the scratch file's, made by the same process): a
          // change all the same.
          new Route("Files.setOwner", Kind.MODIFY, (p, s) -> Files.setOwner(p, Files.getOwner(s))),
          new Route(
              "PosixFileAttributeView.setGroup",
              Kind.MODIFY,
              (p, s) -> {
                Files.getFileAttributeView(p, PosixFileAttributeView.class)
                    .setGroup(Files.readAttributes(s, PosixFileAttributes.class).group());
                return null;
              }),
          // deleting
          new Route(
              "Files.delete",
              Kind.DELETE,
              (p, s) -> {
                Files.delete(p);
                return null;
              }),
          new Route("Files.deleteIfExists", Kind.DELETE, (p, s) -> Files.deleteIfExists(p)),
          new Route("File.delete", Kind.DELETE, (p, s) -> p.toFile().delete()),
          new Route(
              "File.deleteOnExit",
              Kind.DELETE,
              (p, s) -> {
                p.toFile().deleteOnExit();
                return null;
              }),
          new Route(
              "Files.move(target, inside)",
              Kind.DELETE,
              (p, s) ->
                  Files.move(
                      p,
                      s.resolveSibling(s.getFileName() + ".moved"),
                      StandardCopyOption.REPLACE_EXISTING)),
          new Route(
              "File.renameTo(inside)",
              Kind.DELETE,
              (p, s) -> {
                if (!p.toFile().renameTo(s.resolveSibling(s.getFileName() + ".renamed").toFile())) {
                  throw new java.io.IOException("renameTo returned false");
                }
                return null;
              }));
}
