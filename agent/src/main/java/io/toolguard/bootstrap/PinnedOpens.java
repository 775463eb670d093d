package io.toolguard.bootstrap;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Race-free opens inside tools (JDK 22+ on Linux), two ways. An existing file is opened first
 * ({@link #resolve}): the kernel follows the path as the JDK's open would, and the check decides on
 * the path and file that descriptor names, so decision and open are on the same file and no path is
 * resolved in Java. Anything else is decided on a path resolved in Java, then {@link #pin} opens
 * that resolved path with {@code openat2(RESOLVE_NO_SYMLINKS)}, which has no link on the way (every
 * link was resolved), so a folder swapped for a link since the check makes the open fail instead of
 * landing elsewhere. Either way the JDK is then handed {@code /proc/self/fd/N}: a name of the very
 * file (or folder) that descriptor holds, whatever happens to the path, and it opens that with its
 * own flags and mode.
 *
 * <p>Which descriptor. An existing file is opened with {@code O_PATH} (no access, no side effect)
 * and the JDK reopens the file itself. A file the open may create is made by this class with {@code
 * O_CREAT|O_EXCL} for {@code java.io} (whose mode is always 0666 less the umask, as here); for
 * {@code java.nio}, whose mode comes from attributes this class does not see, and for opens that
 * act on a final link itself ({@code NOFOLLOW_LINKS}, {@code DELETE_ON_CLOSE}, {@code CREATE_NEW}),
 * the folder is pinned and the JDK opens {@code /proc/self/fd/D/name} with its own flags.
 *
 * <p>The descriptor must stay open until the JDK has opened it, which is after this class returns:
 * it is closed at the thread's next pinned open or when its tool call ends, so a thread holds at
 * most one, and one that a thread held when it ended is closed soon after by another's pin.
 *
 * <p>Package-private, like {@link Landlock}: only {@link Dispatcher}, inside a check, may open a
 * path unchecked.
 */
final class PinnedOpens {

  private static final long O_WRONLY = 1;
  private static final long O_CREAT = 0x40;
  private static final long O_EXCL = 0x80;
  private static final long O_CLOEXEC = 0x80000;
  private static final long O_PATH = 0x200000;
  private static final long RESOLVE_NO_MAGICLINKS = 0x02;
  private static final long RESOLVE_NO_SYMLINKS = 0x04;
  private static final long NO_LINKS = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

  static final int ENOENT = 2;
  static final int EACCES = 13;
  static final int EEXIST = 17;
  static final int ENOTDIR = 20;
  static final int ELOOP = 40;

  /**
   * The JVM system property that turns pinning off (a diagnostic switch, read once in {@code
   * premain}: {@link KernelSandbox.AsStarted}).
   */
  static final String SWITCH = "toolguard.pinned_opens";

  /**
   * The descriptor each thread's last pinned open left open, by thread. Not a thread-local: a
   * thread that ends while it holds one (a thread a tool started, say) must not take it along, so
   * every 64th pin closes the descriptors of threads that have ended. Keyed by identity, under its
   * own lock: a thread may be of a tool's class, whose {@code hashCode} and {@code equals} must
   * neither run here (inside a check, unchecked) nor pick another thread's descriptor.
   */
  private static final IdentityHashMap<Thread, Long> HELD = new IdentityHashMap<>();

  /** How many descriptors {@link #HELD} holds, read without its lock. */
  private static volatile int held;

  private static final AtomicInteger PINS = new AtomicInteger();

  private PinnedOpens() {}

  /** Whether this JVM pins opens, and why not; decided once. */
  static final class Availability {
    static final Landlock KERNEL;
    static final String UNAVAILABLE;

    /** The class of the default file system's paths: the only {@code Path} resolved here. */
    static final Class<?> PATHS = java.nio.file.FileSystems.getDefault().getPath("/").getClass();

    /** How the JDK turns file names into bytes and back ({@code sun.jnu.encoding}). */
    static final java.nio.charset.Charset NAMES = names();

    /**
     * The folder the JDK's file system resolves relative paths against: {@code user.dir} when the
     * JVM started, which the file system took then and which need not be the process's working
     * folder.
     */
    static final String BASE = java.nio.file.Path.of("").toAbsolutePath().toString();

    private static java.nio.charset.Charset names() {
      try {
        return java.nio.charset.Charset.forName(KernelSandbox.AsStarted.FILE_NAMES);
      } catch (RuntimeException unknown) {
        return java.nio.charset.StandardCharsets.UTF_8;
      }
    }

    static {
      Landlock kernel = null;
      String why;
      if ("off".equals(KernelSandbox.AsStarted.PINNED_OPENS)) {
        why = "turned off with -D" + SWITCH + "=off";
      } else if (Landlock.get() == null) {
        why = Landlock.why();
      } else if (!new java.io.File("/proc/self/fd").isDirectory()) {
        why = "/proc is not mounted";
      } else {
        long probe = Landlock.get().open("/", O_PATH | O_CLOEXEC, 0, NO_LINKS);
        if (probe >= 0) {
          Landlock.get().close(probe);
          kernel = Landlock.get();
          why = null;
        } else if (probe == -38 || probe == -1 || probe == -22 || probe == -7) {
          // ENOSYS (before Linux 5.6), EPERM (blocked by a seccomp filter), EINVAL or E2BIG
          // (the flags or the structure not known): answers for good
          why = "the kernel has no openat2 (Linux 5.6+; errno " + -probe + ")";
        } else {
          // No answer (out of descriptors or memory): "not pinned" would hold for the rest of the
          // run, so this class fails to initialise, and every use of it fails, which denies.
          throw new IllegalStateException(
              "toolguard could not ask the kernel whether opens can be pinned: openat2 of / failed"
                  + " with errno "
                  + -probe);
        }
      }
      KERNEL = kernel;
      UNAVAILABLE = why;
    }

    private Availability() {}
  }

  /** Carries the {@code IOException} the JDK's open would have thrown, to be thrown as is. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(IOException cause) {
      super(cause);
    }
  }

  /**
   * Closes the descriptor this thread's last pinned open left, if any: the JDK has opened it by
   * now.
   */
  static void release() {
    if (held == 0) {
      return;
    }
    Long descriptor;
    synchronized (HELD) {
      descriptor = HELD.remove(Thread.currentThread());
      held = HELD.size();
    }
    if (descriptor != null) {
      Availability.KERNEL.close(descriptor);
    }
  }

  /** Closes the descriptors of threads that ended holding one. */
  private static void sweep() {
    List<Long> ended = new ArrayList<>();
    synchronized (HELD) {
      for (Iterator<Map.Entry<Thread, Long>> it = HELD.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Thread, Long> entry = it.next();
        if (!entry.getKey().isAlive()) {
          ended.add(entry.getValue());
          it.remove();
        }
      }
      held = HELD.size();
    }
    for (Long descriptor : ended) {
      Availability.KERNEL.close(descriptor);
    }
  }

  /**
   * An existing file the kernel opened ({@code O_PATH}) the way the JDK's open will find it, and
   * the path that descriptor names: what a check decides on, before {@link #handOver} gives the JDK
   * the descriptor's name, or {@link #close} drops it.
   */
  static final class Opened {
    private final long descriptor;
    private final String real;
    private final long[] inode;
    private boolean done;

    private Opened(long descriptor, String real, long[] inode) {
      this.descriptor = descriptor;
      this.real = real;
      this.inode = inode;
    }

    /** {@return the absolute path, every link resolved, of the file the descriptor holds} */
    String real() {
      return real;
    }

    /**
     * {@return what {@code statx} said of it: regular file (1 or 0), links, device, inode number,
     * and the device it is, for a device file (else 0)}
     */
    long[] inode() {
      return inode.clone();
    }

    /**
     * {@return {@code /proc/self/fd/N}, a {@code String} or {@code Path} like {@code given}}: the
     * descriptor is held until the JDK has opened it (see the class comment)
     */
    Object handOver(Object given) {
      done = true;
      hold(descriptor);
      String name = "/proc/self/fd/" + descriptor;
      return given instanceof Path ? Path.of(name) : name;
    }

    /** Closes the descriptor, unless it was handed over. */
    void close() {
      if (!done) {
        done = true;
        Availability.KERNEL.close(descriptor);
      }
    }
  }

  private static final long S_IFMT = 0xf000;
  private static final long S_IFREG = 0x8000;
  private static final long S_IFDIR = 0x4000;
  private static final long S_IFLNK = 0xa000;

  /**
   * Opens an existing file the way an open that follows links reaches it, for the check to decide
   * on what the kernel resolved ({@link Opened}): one {@code openat2} with {@code
   * RESOLVE_NO_MAGICLINKS} (a {@code /proc/…/fd} or {@code /proc/…/root} name is for {@link #pin}
   * to refuse or allow on a resolved path, as before), {@code readlink} of its descriptor, {@code
   * statx} of it. The decision and the JDK's open are then on the same file, whatever is swapped on
   * the way, with no path resolved in Java.
   *
   * @return null where this does not apply, and the check resolves the path itself and then {@link
   *     #pin}s it: no kernel support or switched off, an open that acts on a final link ({@code
   *     NOFOLLOW_LINKS}, {@code DELETE_ON_CLOSE}, {@code CREATE_NEW}), a file that does not exist
   *     yet, any failure of the kernel, a name the kernel cannot give back whole (longer than
   *     {@code PATH_MAX}, a file deleted since, bytes that are no name in the JDK's encoding)
   */
  static Opened resolve(Object given, Object options) {
    release();
    Landlock kernel = Availability.KERNEL;
    if (kernel == null
        || !(given instanceof String || (given != null && given.getClass() == Availability.PATHS))
        || actsOnFinalName(options)) {
      return null;
    }
    String path = given.toString();
    if (path.isEmpty() || path.indexOf('\0') >= 0 || !exact(path, given)) {
      return null;
    }
    if (path.charAt(0) != '/') {
      // As the JDK's file system resolves it (against user.dir, which need not be the process's
      // working folder), not as the kernel would from that working folder.
      path = Availability.BASE + '/' + path;
    }
    int[] errno = new int[1];
    Landlock.Resolved resolved =
        kernel.resolve(path.getBytes(Availability.NAMES), RESOLVE_NO_MAGICLINKS, errno);
    if (resolved == null) {
      return null;
    }
    String real = name(resolved.name());
    if (real == null) {
      kernel.close(resolved.descriptor());
      return null;
    }
    long type = resolved.mode() & S_IFMT;
    long[] inode = {
      type == S_IFREG ? 1 : 0,
      resolved.links(),
      resolved.device(),
      resolved.inode(),
      type == S_IFREG || type == S_IFDIR || type == S_IFLNK ? 0 : resolved.special()
    };
    return new Opened(resolved.descriptor(), real, inode);
  }

  /**
   * {@return whether an NIO open with these options acts on the final name itself, a link there
   * included}: {@code NOFOLLOW_LINKS}, {@code DELETE_ON_CLOSE}, {@code CREATE_NEW}
   */
  private static boolean actsOnFinalName(Object options) {
    return options instanceof Collection<?> set
        && (set.contains(LinkOption.NOFOLLOW_LINKS)
            || set.contains(StandardOpenOption.DELETE_ON_CLOSE)
            || set.contains(StandardOpenOption.CREATE_NEW));
  }

  /**
   * {@return whether {@code name}, a path's text, encodes back to the bytes the JDK would open for
   * {@code path}}: a {@code Path} read from a folder may hold bytes the platform's encoding cannot
   * decode, which its text shows as U+FFFD; opening the text would open a sibling named by those
   * replacement characters. A {@code String} is what it says, unless it holds U+FFFD, which may
   * stand for such bytes lost in an earlier decoding.
   */
  static boolean exact(String name, Object path) {
    if (name.indexOf('\uFFFD') < 0) {
      return true;
    }
    try {
      return path instanceof Path given && Path.of(name).equals(given);
    } catch (java.nio.file.InvalidPathException unmappable) {
      return false; // U+FFFD has no bytes in this encoding: the text is not the name
    }
  }

  /**
   * {@return the path the kernel gave back, or null if it is not one to decide on}: it must be
   * absolute, not a deleted file's name with the kernel's {@code " (deleted)"} after it (a file
   * that really has such a name is resolved the slow way, correctly), and its bytes must be what
   * the JDK makes of the string again
   */
  static String name(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != '/') {
      return null;
    }
    boolean ascii = true;
    for (byte b : bytes) {
      ascii &= b > 0;
    }
    String name =
        new String(bytes, ascii ? java.nio.charset.StandardCharsets.US_ASCII : Availability.NAMES);
    if (name.endsWith(" (deleted)")
        || (!ascii && !java.util.Arrays.equals(bytes, name.getBytes(Availability.NAMES)))) {
      return null;
    }
    return name;
  }

  /**
   * {@return what to hand the JDK instead of {@code checked}}: {@code /proc/self/fd/…} naming the
   * file or folder the check decided on, as a {@code String} or {@code Path} like {@code checked}
   *
   * @param checked the resolved absolute path the check allowed
   * @param javaIo whether a {@code java.io} stream or {@code RandomAccessFile} opens it (else NIO)
   * @param creates whether the open may create the file
   * @param options the NIO open options, or null
   * @throws Failed with the exception the JDK would throw for a path that cannot be opened
   * @throws SecurityException if a link is now on the way the check found none on
   */
  static Object pin(Object checked, boolean javaIo, boolean creates, Object options) {
    release();
    Landlock kernel = Availability.KERNEL;
    if (kernel == null || !(checked instanceof String || checked instanceof Path)) {
      return checked;
    }
    String real = checked.toString();
    if (!exact(real, checked)) {
      throw new SecurityException(
          "toolguard denied opening '"
              + real
              + "': its name has bytes that are not valid in the platform's file-name encoding"
              + " (sun.jnu.encoding="
              + Availability.NAMES.name()
              + "), so the file could not be opened by the name it was checked under; rename it"
              + " or run the JVM with a UTF-8 locale");
    }
    boolean ownFinalName = actsOnFinalName(options);
    int slash = real.lastIndexOf('/');
    if (!real.startsWith("/") || (ownFinalName && slash <= 0)) {
      return checked; // not what a resolved path looks like, or the root itself: nothing to pin
    }
    String pinned;
    if (!ownFinalName) {
      long file = kernel.open(real, O_PATH | O_CLOEXEC, 0, NO_LINKS);
      if (file == -ENOENT && creates && javaIo) {
        file = kernel.open(real, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666, NO_LINKS);
        if (file == -EEXIST) {
          file = kernel.open(real, O_PATH | O_CLOEXEC, 0, NO_LINKS);
        }
      }
      if (file >= 0) {
        hold(file);
        pinned = "/proc/self/fd/" + file;
        return checked instanceof Path ? Path.of(pinned) : pinned;
      }
      if (file != -ENOENT || !creates) {
        throw refusal(real, (int) -file, javaIo);
      }
    }
    long folder = kernel.open(real.substring(0, slash), O_PATH | O_CLOEXEC, 0, NO_LINKS);
    if (folder < 0) {
      throw refusal(real, (int) -folder, javaIo);
    }
    hold(folder);
    pinned = "/proc/self/fd/" + folder + real.substring(slash);
    return checked instanceof Path ? Path.of(pinned) : pinned;
  }

  private static void hold(long descriptor) {
    synchronized (HELD) {
      HELD.put(Thread.currentThread(), descriptor);
      held = HELD.size();
    }
    if ((PINS.incrementAndGet() & 63) == 0) {
      sweep();
    }
  }

  /**
   * {@return the failure of an open the kernel refused with {@code errno}}: a link on the way is a
   * denial (the check saw none there); anything else is what the JDK would have thrown
   */
  static RuntimeException refusal(String real, int errno, boolean javaIo) {
    if (errno == ELOOP) {
      return new SecurityException(
          "toolguard denied opening '"
              + real
              + "': a symbolic link is now on the way to it, where the check found none (a folder"
              + " swapped for a link since); open it again once the link is gone");
    }
    String text =
        switch (errno) {
          case ENOENT -> "No such file or directory";
          case EACCES -> "Permission denied";
          case ENOTDIR -> "Not a directory";
          default -> "errno " + errno;
        };
    if (javaIo) {
      return new Failed(new FileNotFoundException(real + " (" + text + ")"));
    }
    return new Failed(
        switch (errno) {
          case ENOENT -> new NoSuchFileException(real);
          case EACCES -> new AccessDeniedException(real);
          default -> new FileSystemException(real, null, text);
        });
  }

  /** Throws {@code failure} as it is, checked or not. */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException sneaky(Throwable failure) throws T {
    throw (T) failure;
  }
}
