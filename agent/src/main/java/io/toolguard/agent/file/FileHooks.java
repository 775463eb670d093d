package io.toolguard.agent.file;

import static io.toolguard.agent.weave.Insertion.Check.checkFile;
import static io.toolguard.agent.weave.Insertion.Check.snapshot;
import static io.toolguard.agent.weave.Insertion.Check.snapshotAttributes;
import static io.toolguard.bootstrap.Dispatcher.DELETE;
import static io.toolguard.bootstrap.Dispatcher.NO_FOLLOW;
import static io.toolguard.bootstrap.Dispatcher.OPEN;
import static io.toolguard.bootstrap.Dispatcher.PINNED;
import static io.toolguard.bootstrap.Dispatcher.PROBE;
import static io.toolguard.bootstrap.Dispatcher.RANDOM_ACCESS_MODE;
import static io.toolguard.bootstrap.Dispatcher.READ;
import static io.toolguard.bootstrap.Dispatcher.RELATIVE;
import static io.toolguard.bootstrap.Dispatcher.RESOLVED;
import static io.toolguard.bootstrap.Dispatcher.UNRESOLVABLE;
import static io.toolguard.bootstrap.Dispatcher.VIEW;
import static io.toolguard.bootstrap.Dispatcher.WRITE;

import io.toolguard.agent.tool.ConstantPool;
import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.ArgumentField;
import io.toolguard.agent.weave.Insertion.BoxedArgument;
import io.toolguard.agent.weave.Insertion.Check;
import io.toolguard.agent.weave.Insertion.Field;
import io.toolguard.agent.weave.Insertion.Nothing;
import io.toolguard.agent.weave.Insertion.Receiver;
import io.toolguard.agent.weave.Insertion.Returned;
import io.toolguard.agent.weave.Insertion.Source;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the JDK touches the disk, and what to check there: for each JDK class, the methods that get
 * a call to {@code Dispatcher.checkFile} at their start (or, for one, on the file they return).
 * Each is the lowest method of its route that still sees the path, so no file operation is checked
 * twice: the provider's methods (only where no subclass overrides them), the attribute views' own
 * system calls, the {@code java.io} streams' {@code open}, and {@code File}'s operations (its file
 * system class is native on JDK 17).
 */
public final class FileHooks {

  private static final String PATH = "Ljava/nio/file/Path;";
  private static final String VIEWS = "sun/nio/fs/UnixFileAttributeViews$";
  private static final String BASIC_VIEW = VIEWS + "Basic";
  private static final String USER_VIEW = "sun/nio/fs/UnixUserDefinedFileAttributeView";
  private static final String BYTE_CHANNEL = "newByteChannel";
  private static final String FILE_CHANNEL = "newFileChannel";
  private static final int ABSTRACT = 0x0400;

  private FileHooks() {}

  /** {@return the hooks by internal class name, for this JVM's default file system} */
  public static Map<String, List<Hook>> forThisJvm() {
    return forThisJvm(ProviderClassFiles.read());
  }

  /**
   * {@return the hooks by internal class name, for this JVM's default file system, whose provider's
   * class files were read already}
   */
  public static Map<String, List<Hook>> forThisJvm(ProviderClassFiles provider) {
    Map<String, List<Hook>> hooks = new LinkedHashMap<>();
    addProvider(hooks, provider);
    String pathClass = FileSystems.getDefault().getPath("").getClass().getName().replace('.', '/');
    hooks.put(
        pathClass,
        List.of(
            Hook.at(
                "toRealPath",
                "([Ljava/nio/file/LinkOption;)" + PATH,
                checkFile(new Receiver(), PROBE, new Argument(0))),
            Hook.at(
                "register",
                "(Ljava/nio/file/WatchService;[Ljava/nio/file/WatchEvent$Kind;[Ljava/nio/file/WatchEvent$Modifier;)"
                    + "Ljava/nio/file/WatchKey;",
                checkFile(new Receiver(), READ))));
    addViews(hooks);
    hooks.put(
        "sun/nio/fs/UnixSecureDirectoryStream",
        List.of(
            unresolvable(
                "newDirectoryStream",
                "(" + PATH + "[Ljava/nio/file/LinkOption;)Ljava/nio/file/SecureDirectoryStream;"),
            unresolvable(
                "newByteChannel",
                "("
                    + PATH
                    + "Ljava/util/Set;[Ljava/nio/file/attribute/FileAttribute;)"
                    + "Ljava/nio/channels/SeekableByteChannel;"),
            unresolvable("deleteFile", "(" + PATH + ")V"),
            unresolvable("deleteDirectory", "(" + PATH + ")V"),
            unresolvable(
                "move", "(" + PATH + "Ljava/nio/file/SecureDirectoryStream;" + PATH + ")V"),
            unresolvable(
                "getFileAttributeView",
                "("
                    + PATH
                    + "Ljava/lang/Class;[Ljava/nio/file/LinkOption;)"
                    + "Ljava/nio/file/attribute/FileAttributeView;")));
    hooks.put(
        "java/io/FileInputStream",
        List.of(
            Hook.at(
                "open",
                "(Ljava/lang/String;)V",
                rewrite(0, READ | RESOLVED | PINNED, new Nothing()))));
    hooks.put(
        "java/io/FileOutputStream",
        List.of(
            Hook.at(
                "open",
                "(Ljava/lang/String;Z)V",
                rewrite(0, WRITE | RESOLVED | PINNED, new Nothing()))));
    hooks.put(
        "java/io/RandomAccessFile",
        List.of(
            Hook.at(
                "open",
                "(Ljava/lang/String;I)V",
                rewrite(0, READ | RESOLVED | PINNED | RANDOM_ACCESS_MODE, new BoxedArgument(1)))));
    addFile(hooks);
    hooks.put(
        "java/net/URLClassLoader",
        List.of(
            new Hook(
                "<init>",
                "([Ljava/net/URL;",
                true,
                List.of(checkFile(new Argument(0), READ)),
                false,
                true),
            new Hook(
                "<init>",
                "(Ljava/lang/String;[Ljava/net/URL;",
                true,
                List.of(checkFile(new Argument(1), READ)),
                false,
                true),
            Hook.at("addURL", "(Ljava/net/URL;)V", checkFile(new Argument(0), READ))));
    return hooks;
  }

  /**
   * The provider's hierarchy: each method is hooked in the most derived class that declares it,
   * since calls reach that one first and it often calls {@code super}. Reading and writing
   * attributes is left to the views, which every such route goes through.
   */
  private static void addProvider(Map<String, List<Hook>> hooks, ProviderClassFiles provider) {
    List<Hook> all =
        List.of(
            opening(
                BYTE_CHANNEL,
                "("
                    + PATH
                    + "Ljava/util/Set;[Ljava/nio/file/attribute/FileAttribute;)"
                    + "Ljava/nio/channels/SeekableByteChannel;"),
            opening(
                FILE_CHANNEL,
                "("
                    + PATH
                    + "Ljava/util/Set;[Ljava/nio/file/attribute/FileAttribute;)"
                    + "Ljava/nio/channels/FileChannel;"),
            // not pinned: the JDK asks the executor, which may be the tool's, between this check
            // and its open, and tool code run there could have the pinned descriptor replaced
            Hook.at(
                "newAsynchronousFileChannel",
                "("
                    + PATH
                    + "Ljava/util/Set;Ljava/util/concurrent/ExecutorService;"
                    + "[Ljava/nio/file/attribute/FileAttribute;)Ljava/nio/channels/AsynchronousFileChannel;",
                snapshot(new Argument(1)),
                snapshotAttributes(new Argument(3)),
                rewrite(0, OPEN | RESOLVED, new Argument(1))),
            Hook.optional("exists", "(" + PATH + ")Z", checkFile(new Argument(0), PROBE)),
            Hook.optional(
                "exists",
                "(" + PATH + "[Ljava/nio/file/LinkOption;)Z",
                snapshot(new Argument(1)),
                checkFile(new Argument(0), PROBE, new Argument(1))),
            Hook.optional("isDirectory", "(" + PATH + ")Z", checkFile(new Argument(0), PROBE)),
            Hook.optional("isRegularFile", "(" + PATH + ")Z", checkFile(new Argument(0), PROBE)),
            Hook.optional(
                "readAttributesIfExists",
                "("
                    + PATH
                    + "Ljava/lang/Class;[Ljava/nio/file/LinkOption;)"
                    + "Ljava/nio/file/attribute/BasicFileAttributes;",
                snapshot(new Argument(2)),
                checkFile(new Argument(0), PROBE, new Argument(2))),
            Hook.optional("isReadable", "(" + PATH + ")Z", checkFile(new Argument(0), PROBE)),
            Hook.optional("isWritable", "(" + PATH + ")Z", checkFile(new Argument(0), PROBE)),
            Hook.optional("isExecutable", "(" + PATH + ")Z", checkFile(new Argument(0), PROBE)),
            Hook.at(
                "checkAccess",
                "(" + PATH + "[Ljava/nio/file/AccessMode;)V",
                checkFile(new Argument(0), PROBE)),
            Hook.at("isHidden", "(" + PATH + ")Z", checkFile(new Argument(0), PROBE)),
            Hook.at(
                "getFileStore",
                "(" + PATH + ")Ljava/nio/file/FileStore;",
                checkFile(new Argument(0), PROBE)),
            Hook.at(
                "readSymbolicLink",
                "(" + PATH + ")" + PATH,
                checkFile(new Argument(0), PROBE | NO_FOLLOW)),
            Hook.at(
                "isSameFile",
                "(" + PATH + PATH + ")Z",
                checkFile(new Argument(0), PROBE),
                checkFile(new Argument(1), PROBE)),
            Hook.at(
                "newDirectoryStream",
                "("
                    + PATH
                    + "Ljava/nio/file/DirectoryStream$Filter;)Ljava/nio/file/DirectoryStream;",
                checkFile(new Argument(0), READ)),
            Hook.at(
                "createDirectory",
                "(" + PATH + "[Ljava/nio/file/attribute/FileAttribute;)V",
                rewrite(0, WRITE | NO_FOLLOW | RESOLVED, new Nothing())),
            Hook.at(
                "implDelete",
                "(" + PATH + "Z)Z",
                rewrite(0, DELETE | NO_FOLLOW | RESOLVED, new Nothing())),
            Hook.at(
                "copy",
                "(" + PATH + PATH + "[Ljava/nio/file/CopyOption;)V",
                snapshot(new Argument(2)),
                rewrite(0, READ | RESOLVED, new Argument(2)),
                rewrite(1, WRITE | NO_FOLLOW | RESOLVED, new Nothing())),
            Hook.at(
                "move",
                "(" + PATH + PATH + "[Ljava/nio/file/CopyOption;)V",
                rewrite(0, DELETE | NO_FOLLOW | RESOLVED, new Nothing()),
                rewrite(1, WRITE | NO_FOLLOW | RESOLVED, new Nothing())),
            // A new link's target is read through it, relative to the link's folder; a hard link
            // shares its file.
            Hook.at(
                "createSymbolicLink",
                "(" + PATH + PATH + "[Ljava/nio/file/attribute/FileAttribute;)V",
                checkFile(new Argument(1), READ | RELATIVE, new Argument(0)),
                rewrite(0, WRITE | NO_FOLLOW | RESOLVED, new Nothing())),
            Hook.at(
                "createLink",
                "(" + PATH + PATH + ")V",
                checkFile(new Argument(1), READ | WRITE | NO_FOLLOW),
                rewrite(0, WRITE | NO_FOLLOW | RESOLVED, new Nothing())));
    Set<String> declaredBelow = new HashSet<>();
    for (int index = 0; index < provider.types().size(); index++) {
      Class<?> type = provider.types().get(index);
      byte[] classFile = provider.classFile(index);
      ConstantPool pool = classFile == null ? null : ConstantPool.read(classFile);
      if (pool == null) {
        throw new IllegalStateException(
            "cannot read the class file of the default file system provider's " + type.getName());
      }
      Set<String> declared = new HashSet<>();
      for (ConstantPool.Method method : pool.methods()) {
        if ((method.access() & ABSTRACT) == 0 && !method.name().startsWith("<")) {
          declared.add(method.name() + method.descriptor());
        }
      }
      List<Hook> here = new ArrayList<>();
      for (Hook hook : all) {
        String signature = hook.signature();
        if (declared.contains(signature)
            && declaredBelow.add(signature)
            && !forwardsToChecked(classFile, hook)) {
          here.add(hook);
        }
      }
      hooks.put(type.getName().replace('.', '/'), here);
    }
    Set<String> missing = new HashSet<>();
    for (Hook hook : all) {
      if (hook.required() && !declaredBelow.contains(hook.signature())) {
        missing.add(hook.signature());
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the default file system provider "
              + FileSystems.getDefault().provider().getClass().getName()
              + " lacks "
              + missing);
    }
  }

  /**
   * Whether {@code hook}'s method in {@code type} only hands its arguments on to the provider's
   * {@code newFileChannel}, hooked itself: then it is not hooked, so each open is checked (and
   * pinned) once. On JDK 25 {@code newByteChannel} does only that; on JDK 17 it opens the file
   * itself and keeps its hook. Decided on the class file this JDK runs ({@link Forwarding}).
   */
  private static boolean forwardsToChecked(byte[] classFile, Hook hook) {
    return hook.name().equals(BYTE_CHANNEL)
        && Forwarding.onlyCalls(classFile, hook.name(), hook.descriptor(), FILE_CHANNEL);
  }

  /** The views' own system calls: every attribute read and write goes through one of these. */
  private static void addViews(Map<String, List<Hook>> hooks) {
    Field file = new Field(BASIC_VIEW, "file", "Lsun/nio/fs/UnixPath;");
    Field follow = new Field(BASIC_VIEW, "followLinks", "Z");
    hooks.put(
        BASIC_VIEW,
        List.of(
            viewEntry(
                "readAttributes",
                "()Ljava/nio/file/attribute/BasicFileAttributes;",
                file,
                PROBE,
                follow),
            viewEntry(
                "setTimes",
                "(Ljava/nio/file/attribute/FileTime;Ljava/nio/file/attribute/FileTime;"
                    + "Ljava/nio/file/attribute/FileTime;)V",
                file,
                WRITE,
                follow)));
    hooks.put(
        VIEWS + "Posix",
        List.of(
            viewEntry("readAttributes", "()Lsun/nio/fs/UnixFileAttributes;", file, PROBE, follow),
            viewEntry("setMode", "(I)V", file, WRITE, follow),
            viewEntry("setOwners", "(II)V", file, WRITE, follow)));
    hooks.put(
        "sun/nio/fs/LinuxDosFileAttributeView",
        List.of(
            viewEntry(
                "readAttributes",
                "()Ljava/nio/file/attribute/DosFileAttributes;",
                file,
                PROBE,
                follow),
            viewEntry("updateDosAttribute", "(IZ)V", file, WRITE, follow)));
    Field userFile = new Field(USER_VIEW, "file", "Lsun/nio/fs/UnixPath;");
    Field userFollow = new Field(USER_VIEW, "followLinks", "Z");
    hooks.put(
        USER_VIEW,
        List.of(
            viewEntry("list", "()Ljava/util/List;", userFile, PROBE, userFollow),
            viewEntry("size", "(Ljava/lang/String;)I", userFile, PROBE, userFollow),
            viewEntry("read", "(Ljava/lang/String;JI)I", userFile, READ, userFollow),
            viewEntry("write", "(Ljava/lang/String;JI)V", userFile, WRITE, userFollow),
            viewEntry("delete", "(Ljava/lang/String;)V", userFile, WRITE, userFollow)));
  }

  /**
   * What a {@code File}'s operations act on: its {@code path} field, which the JDK's file system
   * reads, never {@code getPath()} or {@code toPath()}, which a subclass may answer otherwise (and
   * whose code would run while toolguard checks).
   */
  private static final Field FILE_PATH = new Field("java/io/File", "path", "Ljava/lang/String;");

  /** The {@code path} field of {@code renameTo}'s destination. */
  private static final ArgumentField DESTINATION_PATH =
      new ArgumentField(0, "java/io/File", "path", "Ljava/lang/String;");

  private static void addFile(Map<String, List<Hook>> hooks) {
    List<Hook> file = new ArrayList<>();
    for (String probe :
        List.of(
            "exists", "isDirectory", "isFile", "isHidden", "canRead", "canWrite", "canExecute")) {
      file.add(Hook.at(probe, "()Z", checkFile(FILE_PATH, PROBE)));
    }
    for (String probe :
        List.of("lastModified", "length", "getTotalSpace", "getFreeSpace", "getUsableSpace")) {
      file.add(Hook.at(probe, "()J", checkFile(FILE_PATH, PROBE)));
    }
    file.add(Hook.at("getCanonicalPath", "()Ljava/lang/String;", checkFile(FILE_PATH, PROBE)));
    file.add(Hook.at("normalizedList", "()[Ljava/lang/String;", checkFile(FILE_PATH, READ)));
    // Creating fails on any existing entry, a link included; the set… methods change where a link
    // leads.
    file.add(Hook.at("createNewFile", "()Z", checkFile(FILE_PATH, WRITE | NO_FOLLOW)));
    file.add(Hook.at("mkdir", "()Z", checkFile(FILE_PATH, WRITE | NO_FOLLOW)));
    file.add(Hook.at("setReadOnly", "()Z", checkFile(FILE_PATH, WRITE)));
    file.add(Hook.at("setLastModified", "(J)Z", checkFile(FILE_PATH, WRITE)));
    for (String permission : List.of("setWritable", "setReadable", "setExecutable")) {
      file.add(Hook.at(permission, "(ZZ)Z", checkFile(FILE_PATH, WRITE)));
    }
    // deleteOnExit is checked now: at exit no tool is running.
    file.add(Hook.at("delete", "()Z", checkFile(FILE_PATH, DELETE | NO_FOLLOW)));
    file.add(Hook.at("deleteOnExit", "()V", checkFile(FILE_PATH, DELETE | NO_FOLLOW)));
    file.add(
        Hook.at(
            "renameTo",
            "(Ljava/io/File;)Z",
            checkFile(FILE_PATH, DELETE | NO_FOLLOW),
            checkFile(DESTINATION_PATH, WRITE | NO_FOLLOW)));
    hooks.put("java/io/File", file);
    // File.createTempFile creates the file this returns, without any other File method.
    hooks.put(
        "java/io/File$TempDirectory",
        List.of(
            Hook.onReturn(
                "generateFile",
                "(Ljava/lang/String;Ljava/lang/String;Ljava/io/File;)Ljava/io/File;",
                checkFile(new Returned(), WRITE | NO_FOLLOW))));
  }

  private static Hook opening(String name, String descriptor) {
    // the options and the new file's attributes, copied first, so that the check and the JDK see
    // the same and no code of the tool's runs between the check (and its pin) and the JDK's open
    return Hook.at(
        name,
        descriptor,
        snapshot(new Argument(1)),
        snapshotAttributes(new Argument(2)),
        rewrite(0, OPEN | RESOLVED | PINNED, new Argument(1)));
  }

  private static Hook unresolvable(String name, String descriptor) {
    return Hook.at(name, descriptor, checkFile(new Argument(0), READ | UNRESOLVABLE));
  }

  private static Hook viewEntry(
      String name, String descriptor, Field file, int bits, Field follow) {
    return Hook.at(name, descriptor, checkFile(file, bits | VIEW, follow));
  }

  /**
   * The check's answer replaces the path argument, so the method opens the path that was checked.
   */
  private static Check rewrite(int argument, int bits, Source detail) {
    return checkFile(new Argument(argument), bits, detail).rewriting();
  }
}
