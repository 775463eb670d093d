package io.toolguard.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * Linux Landlock through the JDK's foreign function API, called through {@link Foreign} so that the
 * agent keeps one build for Java 17 (where none of this runs): the system calls that build a
 * ruleset and restrict the calling thread. Each rule's path is opened with {@code openat2} and
 * {@code RESOLVE_NO_SYMLINKS}, so that a link swapped in after the planner looked cannot widen a
 * rule.
 *
 * <p>Why here, on the bootstrap path, package-private. Whoever holds a downcall handle to {@code
 * syscall} can do anything native code can; tool code must never get one. So the handle is linked
 * for this class alone ({@link Foreign} makes it and keeps none) and never leaves it, and what the
 * package offers outside ({@link KernelSandbox}, {@link ForkRequest}) can only restrict a thread.
 *
 * <p>Native access. From JDK 22 a restricted method warns unless the caller's module has native
 * access, and for class-path code that is one switch for every unnamed module. Unless the JVM was
 * started with {@code --illegal-native-access=deny}, this class turns that switch on itself,
 * without the warning: in the default warn mode the JDK turns it on after its first warning anyway.
 * Under {@code deny} it leaves the choice to the person who made it: the kernel sandbox is then
 * unavailable unless {@code --enable-native-access=ALL-UNNAMED} is given too.
 */
final class Landlock {

  /** {@code LANDLOCK_ACCESS_FS_*} and {@code LANDLOCK_ACCESS_NET_*} rights. */
  static final long EXECUTE = 1L;

  static final long WRITE_FILE = 1L << 1;
  static final long READ_FILE = 1L << 2;
  static final long READ_DIR = 1L << 3;
  static final long TRUNCATE = 1L << 14;
  static final long IOCTL_DEV = 1L << 15;

  /** The rights Landlock accepts on a rule for a file that is not a folder. */
  static final long FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV;

  private static final long PR_SET_NO_NEW_PRIVS = 38;
  private static final long LANDLOCK_CREATE_RULESET_VERSION = 1;
  private static final long RULE_PATH_BENEATH = 1;
  private static final long RULE_NET_PORT = 2;
  private static final long AT_FDCWD = -100;
  private static final long O_PATH = 0x200000;
  private static final long O_CLOEXEC = 0x80000;
  private static final long RESOLVE_NO_SYMLINKS = 0x04;
  private static final long AT_EMPTY_PATH = 0x1000;
  private static final long AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int ENAMETOOLONG = 36;

  /** {@code struct statx}'s size, and the fields wanted: type and mode, links, inode number. */
  private static final long STATX_SIZE = 256;

  private static final long STATX_WANTED = 0x1 | 0x2 | 0x4 | 0x100;

  /** System call numbers: the Landlock and openat2 ones are the same on every architecture. */
  private static final long SYS_CREATE_RULESET = 444;

  private static final long SYS_ADD_RULE = 445;
  private static final long SYS_RESTRICT_SELF = 446;
  private static final long SYS_OPENAT2 = 437;

  private final long sysPrctl;
  private final long sysClose;
  private final long sysReadlinkat;
  private final long sysStatx;

  /** libc's {@code syscall}, as {@link Foreign#syscall} links it. */
  private final MethodHandle syscall;

  private final long stateSize;

  /** The Landlock ABI version of the kernel, or a negative errno. */
  private final int abi;

  private Landlock(String arch) throws ReflectiveOperationException {
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      sysPrctl = 157;
      sysClose = 3;
      sysReadlinkat = 267;
      sysStatx = 332;
    } else if (arch.equals("aarch64")) {
      sysPrctl = 167;
      sysClose = 57;
      sysReadlinkat = 78;
      sysStatx = 291;
    } else {
      throw new Unavailable("no system call table for " + arch);
    }
    enableNativeAccess();
    Object linker;
    try {
      linker = Foreign.nativeLinker();
    } catch (UnsupportedOperationException none) {
      // The JDK's own answer: no foreign linker for this platform (its ABI was fixed in premain,
      // KernelSandbox.readSwitches).
      throw new Unavailable("the JDK has no foreign linker here (" + none.getMessage() + ")");
    }
    syscall = Foreign.syscall(linker);
    stateSize = Foreign.stateSize();
    everyCallOnce();
    abi = probeAbi();
    if (abi < 0 && !noLandlock(abi)) {
      throw new IllegalStateException(
          "the kernel answered landlock_create_ruleset with errno " + -abi);
    }
  }

  /**
   * {@return whether an errno of {@code landlock_create_ruleset} says for good that there is no
   * Landlock}: {@code ENOSYS} (not built in), {@code EOPNOTSUPP} (not enabled at boot), {@code
   * EPERM} (the system call is blocked by a seccomp filter, as containers set). Any other (out of
   * memory, say) is no answer.
   */
  static boolean noLandlock(int errno) {
    return errno == -38 || errno == -95 || errno == -1;
  }

  /** Says that this JVM or kernel has no Landlock, for good: an answer, not a failure. */
  private static final class Unavailable extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    Unavailable(String why) {
      super(why);
    }
  }

  /** The one instance, or why there is none; made on first use. */
  private static final class Holder {
    static final Landlock INSTANCE;
    static final String UNAVAILABLE;

    static {
      Landlock made = null;
      String why = null;
      try {
        made = make();
      } catch (Throwable failure) {
        why = unavailable(failure);
        if (why == null) {
          // No answer (out of memory or stack, a JDK class that failed to initialise, a property
          // the application set): "unavailable" would weaken the sandbox for the rest of the run,
          // so this class fails to initialise and every use of it fails, which denies (closed).
          throw new IllegalStateException(
              "toolguard could not ask the kernel about Landlock (" + failure + ")", failure);
        }
      }
      INSTANCE = made;
      UNAVAILABLE = why;
    }

    /**
     * {@return why Landlock cannot be used, if {@code failure} says it for good: this JVM or kernel
     * has none; else {@code null}, for a failure that is no answer}
     */
    private static String unavailable(Throwable failure) {
      if (failure instanceof Unavailable) {
        return failure.getMessage();
      }
      return null;
    }

    private static Landlock make() throws ReflectiveOperationException {
      if (!KernelSandbox.AsStarted.OS_NAME.toLowerCase(Locale.ROOT).startsWith("linux")) {
        throw new Unavailable("Landlock is Linux only");
      }
      if (Runtime.version().feature() < 22) {
        throw new Unavailable(
            "JDK " + Runtime.version().feature() + " has no foreign function API (JDK 22+ has)");
      }
      return new Landlock(KernelSandbox.AsStarted.OS_ARCH);
    }
  }

  /** {@return the instance, or {@code null} if this JVM or kernel has none ({@link #why})} */
  static Landlock get() {
    return Holder.INSTANCE;
  }

  /** {@return why {@link #get} answers {@code null}} */
  static String why() {
    return Holder.UNAVAILABLE;
  }

  /** {@return the kernel's Landlock ABI version, or a negative errno if it has none} */
  int abi() {
    return abi;
  }

  /**
   * Turns native access on for class-path code unless the JVM runs with {@code
   * --illegal-native-access=deny}; see the class comment.
   */
  private static void enableNativeAccess() throws ReflectiveOperationException {
    Module own = Landlock.class.getModule();
    boolean enabled = (boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(own);
    if (enabled) {
      return;
    }
    // What --illegal-native-access says; the agent exports jdk.internal.module to this module
    // (ExecSandboxes.prepare). Where that cannot be read, the JDK decides (and warns) itself.
    String mode;
    try {
      mode =
          String.valueOf(
              Class.forName("jdk.internal.module.ModuleBootstrap")
                  .getMethod("illegalNativeAccess")
                  .invoke(null));
    } catch (ReflectiveOperationException | RuntimeException unknown) {
      return;
    }
    if (mode.equals("DENY")) {
      throw new Unavailable(
          "the JVM runs with --illegal-native-access=deny and no native access for class-path"
              + " code; add --enable-native-access=ALL-UNNAMED to use the kernel sandbox");
    }
    // java.lang is opened to this module by the agent (ExecSandboxes.prepare); without it, the
    // JDK's own warning is printed once instead.
    try {
      MethodHandles.privateLookupIn(Module.class, MethodHandles.lookup())
          .findStatic(
              Module.class,
              "implAddEnableNativeAccessToAllUnnamed",
              MethodType.methodType(void.class))
          .invoke();
    } catch (IllegalAccessException | NoSuchMethodException | RuntimeException notOpened) {
      // the JDK warns once
    } catch (Throwable unexpected) {
      throw new IllegalStateException(unexpected);
    }
  }

  /** One arena's worth of native calls. */
  private final class Call implements AutoCloseable {
    final Object arena;
    final Object state;

    Call() throws Throwable {
      arena = Foreign.ofConfined();
      state = Foreign.allocate(arena, stateSize);
    }

    Object allocate(long size) throws Throwable {
      return Foreign.allocate(arena, size);
    }

    long addressOf(Object segment) throws Throwable {
      return Foreign.address(segment);
    }

    long string(String text) throws Throwable {
      return addressOf(Foreign.allocateFrom(arena, text));
    }

    /** {@return the system call's answer, or a negative errno} */
    long sys(long number, long a, long b, long c, long d, long e) throws Throwable {
      long answer = Foreign.call(syscall, state, number, a, b, c, d, e);
      if (answer == -1) {
        return -Foreign.getInt(state, 0);
      }
      return answer;
    }

    void put(Object segment, long offset, long value) throws Throwable {
      Foreign.putLong(segment, offset, value);
    }

    void putInt(Object segment, long offset, int value) throws Throwable {
      Foreign.putInt(segment, offset, value);
    }

    @Override
    public void close() {
      try {
        Foreign.close(arena);
      } catch (Throwable failure) {
        throw new IllegalStateException("could not free native memory: " + failure, failure);
      }
    }
  }

  /**
   * Makes each of {@link Foreign}'s calls once, on memory of its own (the system call in {@link
   * #probeAbi}): a signature the build compiled against that this JDK does not have fails here, in
   * the probe, with a {@link LinkageError}, and every tool call is refused, rather than at a tool's
   * first open or first process.
   *
   * @throws IllegalStateException if memory does not read back what was written
   */
  private static void everyCallOnce() {
    Object arena = Foreign.ofConfined();
    try {
      Object memory = Foreign.allocate(arena, 16);
      Foreign.putInt(memory, 0, 7);
      Foreign.putLong(memory, 8, 8L);
      Foreign.copyIn(new byte[] {9}, memory, 4);
      byte[] copied = Foreign.bytes(memory, 4, 1);
      Object text = Foreign.allocateFrom(arena, "");
      if (Foreign.getInt(memory, 0) != 7
          || Foreign.getLong(memory, 8) != 8L
          || copied.length != 1
          || copied[0] != 9
          || Foreign.address(text) == 0
          || Foreign.address(Foreign.allocate(Foreign.ofAuto(), 8)) == 0) {
        throw new IllegalStateException("native memory does not read back what was written");
      }
    } finally {
      Foreign.close(arena);
    }
  }

  private int probeAbi() {
    try (Call call = new Call()) {
      return (int) call.sys(SYS_CREATE_RULESET, 0, 0, LANDLOCK_CREATE_RULESET_VERSION, 0, 0);
    } catch (Throwable failure) {
      throw new IllegalStateException("could not ask the kernel for Landlock: " + failure, failure);
    }
  }

  /**
   * Restricts the calling thread, and every process it starts from now on, to one more ruleset:
   * after the first, each layer narrows what the ones before allow.
   *
   * @throws IllegalStateException saying which step the kernel refused, and why
   */
  void restrictSelf(KernelSandbox.Layer layer) {
    try (Call call = new Call()) {
      long done = call.sys(sysPrctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      check(done, "prctl(PR_SET_NO_NEW_PRIVS)");
      int size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
      Object attr = call.allocate(24);
      call.put(attr, 0, layer.handledFiles());
      call.put(attr, 8, layer.handledNet());
      call.put(attr, 16, layer.scoped());
      long ruleset = call.sys(SYS_CREATE_RULESET, call.addressOf(attr), size, 0, 0, 0);
      check(ruleset, "landlock_create_ruleset");
      try {
        Object beneath = call.allocate(16);
        for (KernelSandbox.PathRule rule : layer.paths()) {
          long fd = openPath(call, AT_FDCWD, rule.path(), O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
          if (fd == -2) {
            continue; // not there (any more): nothing to grant
          }
          check(fd, "open " + rule.path());
          try {
            call.put(beneath, 0, rule.folder() ? rule.access() : rule.access() & FILE_RIGHTS);
            call.putInt(beneath, 8, (int) fd);
            check(
                call.sys(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, call.addressOf(beneath), 0, 0),
                "landlock_add_rule " + rule.path());
          } finally {
            call.sys(sysClose, fd, 0, 0, 0, 0);
          }
        }
        Object port = call.allocate(16);
        for (KernelSandbox.PortRule rule : layer.ports()) {
          call.put(port, 0, rule.access());
          call.put(port, 8, rule.port());
          check(
              call.sys(SYS_ADD_RULE, ruleset, RULE_NET_PORT, call.addressOf(port), 0, 0),
              "landlock_add_rule port " + rule.port());
        }
        check(call.sys(SYS_RESTRICT_SELF, ruleset, 0, 0, 0, 0), "landlock_restrict_self");
      } finally {
        call.sys(sysClose, ruleset, 0, 0, 0, 0);
      }
    } catch (IllegalStateException refused) {
      throw refused;
    } catch (Throwable failure) {
      throw new IllegalStateException("could not build the Landlock ruleset: " + failure, failure);
    }
  }

  /**
   * Opens {@code path} with {@code openat2}, for {@link PinnedOpens}: the kernel resolves it with
   * exactly {@code resolve}'s restrictions.
   *
   * @return the descriptor, or a negative errno
   * @throws IllegalStateException if the call could not be made (a denial, where it is used)
   */
  long open(String path, long flags, long mode, long resolve) {
    try (Call call = new Call()) {
      Object how = call.allocate(24);
      call.put(how, 0, flags);
      call.put(how, 8, mode);
      call.put(how, 16, resolve);
      return call.sys(SYS_OPENAT2, AT_FDCWD, call.string(path), call.addressOf(how), 24, 0);
    } catch (Throwable failure) {
      throw new IllegalStateException("could not call openat2: " + failure, failure);
    }
  }

  /** The longest path {@link #resolve} reads back, with its terminating byte: {@code PATH_MAX}. */
  static final int PATH_MAX = 4096;

  /**
   * What {@link #resolve} opened: the descriptor, the path the kernel names it by (as {@code
   * readlink} of {@code /proc/self/fd/N} gives it, bytes), and what {@code statx} says of the file.
   */
  record Resolved(
      long descriptor, byte[] name, int mode, int links, long device, long inode, long special) {}

  /*
   * A thread's scratch memory for the calls made on every open inside a tool ({@link #resolve},
   * {@link #close}): one segment per thread, made once and never handed out, so that an open costs
   * its system calls and not a native arena's allocations. Its parts, by offset: the errno the
   * calls capture, openat2's how, statx's answer, the path asked for, the path readlink gives
   * back, the descriptor's /proc name, and an empty string (zero bytes, never written).
   */
  private static final long SCRATCH_HOW = 64;
  private static final long SCRATCH_STATX = 128;
  private static final long SCRATCH_PATH = 384;
  private static final long SCRATCH_LINK = SCRATCH_PATH + PATH_MAX;
  private static final long SCRATCH_PROC = SCRATCH_LINK + PATH_MAX;
  private static final long SCRATCH_EMPTY = SCRATCH_PROC + 64;
  private static final long SCRATCH_SIZE = SCRATCH_EMPTY + 8;

  private final ThreadLocal<Object> scratch = new ThreadLocal<>();

  private Object scratch() throws Throwable {
    Object memory = scratch.get();
    if (memory == null) {
      if (stateSize > SCRATCH_HOW) {
        throw new IllegalStateException("the captured call state needs " + stateSize + " bytes");
      }
      memory = Foreign.allocate(Foreign.ofAuto(), SCRATCH_SIZE);
      scratch.set(memory);
    }
    return memory;
  }

  /** {@return the system call's answer, or a negative errno}, on this thread's scratch memory */
  private long sys(Object memory, long number, long a, long b, long c, long d, long e)
      throws Throwable {
    long answer = Foreign.call(syscall, memory, number, a, b, c, d, e);
    if (answer == -1) {
      return -Foreign.getInt(memory, 0);
    }
    return answer;
  }

  /** Writes {@code text} as a C string at {@code offset}; false if it does not fit in PATH_MAX. */
  private boolean putString(Object memory, long offset, byte[] text) throws Throwable {
    if (text.length >= PATH_MAX) {
      return false;
    }
    byte[] terminated = java.util.Arrays.copyOf(text, text.length + 1);
    Foreign.copyIn(terminated, memory, offset);
    return true;
  }

  /**
   * Opens {@code path} (its bytes, as the JDK encodes it) with {@code openat2(O_PATH)} and {@code
   * resolve}'s restrictions, following links as an open would, then asks the kernel which path the
   * descriptor names ({@code readlink} of {@code /proc/self/fd/N}) and what the file is ({@code
   * statx} of the descriptor itself).
   *
   * @return what was opened, or null with {@code errno[0]} set (the descriptor is closed then)
   * @throws IllegalStateException if the calls could not be made
   */
  Resolved resolve(byte[] path, long resolve, int[] errno) {
    try {
      Object memory = scratch();
      long addressOf = Foreign.address(memory);
      if (!putString(memory, SCRATCH_PATH, path)) {
        errno[0] = ENAMETOOLONG;
        return null;
      }
      Foreign.putLong(memory, SCRATCH_HOW, O_PATH | O_CLOEXEC);
      Foreign.putLong(memory, SCRATCH_HOW + 8, 0L);
      Foreign.putLong(memory, SCRATCH_HOW + 16, resolve);
      long fd =
          sys(
              memory,
              SYS_OPENAT2,
              AT_FDCWD,
              addressOf + SCRATCH_PATH,
              addressOf + SCRATCH_HOW,
              24,
              0);
      if (fd < 0) {
        errno[0] = (int) -fd;
        return null;
      }
      boolean kept = false;
      try {
        putString(
            memory,
            SCRATCH_PROC,
            ("/proc/self/fd/" + fd).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long length =
            sys(
                memory,
                sysReadlinkat,
                AT_FDCWD,
                addressOf + SCRATCH_PROC,
                addressOf + SCRATCH_LINK,
                PATH_MAX,
                0);
        if (length < 0 || length >= PATH_MAX) {
          errno[0] = length < 0 ? (int) -length : ENAMETOOLONG;
          return null;
        }
        long done =
            sys(
                memory,
                sysStatx,
                fd,
                addressOf + SCRATCH_EMPTY,
                AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
                STATX_WANTED,
                addressOf + SCRATCH_STATX);
        if (done < 0) {
          errno[0] = (int) -done;
          return null;
        }
        int mode = intAt(memory, SCRATCH_STATX + 28) & 0xffff;
        int links = intAt(memory, SCRATCH_STATX + 16);
        long inode = Foreign.getLong(memory, SCRATCH_STATX + 32);
        long special =
            device(intAt(memory, SCRATCH_STATX + 128), intAt(memory, SCRATCH_STATX + 132));
        long device =
            device(intAt(memory, SCRATCH_STATX + 136), intAt(memory, SCRATCH_STATX + 140));
        byte[] name = Foreign.bytes(memory, SCRATCH_LINK, length);
        Resolved resolved = new Resolved(fd, name, mode, links, device, inode, special);
        kept = true;
        return resolved;
      } finally {
        if (!kept) {
          sys(memory, sysClose, fd, 0, 0, 0, 0);
        }
      }
    } catch (Throwable failure) {
      throw new IllegalStateException("could not open and resolve a path: " + failure, failure);
    }
  }

  private int intAt(Object memory, long offset) throws Throwable {
    return Foreign.getInt(memory, offset);
  }

  /** {@return a device number made of its parts, as glibc's {@code makedev} and the JDK do} */
  static long device(int major, int minor) {
    long high = major & 0xffffffffL;
    long low = minor & 0xffffffffL;
    return ((high & 0xfffff000L) << 32)
        | ((high & 0xfffL) << 8)
        | ((low & 0xffffff00L) << 12)
        | (low & 0xffL);
  }

  /** Closes a descriptor {@link #open} gave; a failure leaves it open (nothing to do about it). */
  void close(long descriptor) {
    try {
      sys(scratch(), sysClose, descriptor, 0, 0, 0, 0);
    } catch (Throwable ignored) {
      // a descriptor that cannot be closed stays open, which widens nothing
    }
  }

  /** {@return the descriptor, or a negative errno} */
  private static long openPath(Call call, long folder, String path, long flags, long resolve)
      throws Throwable {
    Object how = call.allocate(24);
    call.put(how, 0, flags);
    call.put(how, 8, 0);
    call.put(how, 16, resolve);
    return call.sys(SYS_OPENAT2, folder, call.string(path), call.addressOf(how), 24, 0);
  }

  private static void check(long answer, String step) {
    if (answer < 0) {
      throw new IllegalStateException(step + " failed with errno " + -answer);
    }
  }
}
