package io.toolguard.bootstrap;

import java.util.List;

/**
 * The kernel sandbox for processes a tool starts (Linux Landlock, through the JDK's foreign
 * function API on JDK 22+): what this JVM and kernel offer, and the rulesets the agent hands a
 * {@link ForkRequest}. Nothing here widens anyone's rights: a ruleset only ever narrows the thread
 * that applies it and the processes it starts.
 */
public final class KernelSandbox {

  private KernelSandbox() {}

  /**
   * The system properties what this JVM offers depends on ({@code Landlock}'s and {@code
   * PinnedOpens}' answers), as they were when the agent started: read once, by {@link
   * #readSwitches} in {@code premain}, before any code of the application runs. The answers
   * themselves are asked later, on a thread of the agent's, and must not depend on what the
   * application or a tool sets meanwhile ({@code -Dtoolguard.pinned_opens=off} is the JVM's command
   * line's choice, never a tool's).
   */
  static final class AsStarted {
    static final String OS_NAME = System.getProperty("os.name", "");
    static final String OS_ARCH = System.getProperty("os.arch", "");
    static final String PINNED_OPENS = System.getProperty(PinnedOpens.SWITCH);
    static final String FILE_NAMES = System.getProperty("sun.jnu.encoding", "UTF-8");

    private AsStarted() {}

    /**
     * Initialises this class: reads the properties, once; on JDK 22 and later also the JDK's own
     * choice of the foreign function API's calling convention, which its {@code CABI} class takes
     * from a system property ({@code jdk.internal.foreign.CABI}) the first time it is used: after
     * this, a value the application sets cannot make the kernel's answers "unsupported".
     */
    static void read() {
      if (Runtime.version().feature() >= 22) {
        try {
          Class.forName("jdk.internal.foreign.CABI", true, null);
        } catch (ClassNotFoundException | LinkageError | RuntimeException unknown) {
          // the probe meets the same, and fails closed
        }
      }
    }
  }

  /**
   * Reads, once, the system properties this JVM's kernel sandbox and pinned opens depend on (the
   * operating system and architecture, {@code toolguard.pinned_opens}, the file-name encoding);
   * what is asked of the kernel later uses these values, whatever is set since. The agent calls it
   * in {@code premain}, before the application's {@code main}; a later call changes nothing.
   */
  public static void readSwitches() {
    AsStarted.read();
  }

  /**
   * One path a ruleset grants, with everything below it if it is a folder.
   *
   * @param path an absolute path with no link on the way (it is opened so)
   * @param folder whether it is a folder (rules on files take file rights only)
   * @param access Landlock {@code LANDLOCK_ACCESS_FS_*} bits
   */
  public record PathRule(String path, boolean folder, long access) {}

  /**
   * One TCP port a ruleset grants.
   *
   * @param access Landlock {@code LANDLOCK_ACCESS_NET_*} bits
   */
  public record PortRule(long port, long access) {}

  /**
   * One Landlock ruleset: what it handles (denies unless a rule grants it), and its rules.
   *
   * @param handledFiles {@code LANDLOCK_ACCESS_FS_*} bits the ruleset governs
   * @param handledNet {@code LANDLOCK_ACCESS_NET_*} bits the ruleset governs (ABI 4+), or 0
   * @param scoped {@code LANDLOCK_SCOPE_*} bits (ABI 6+), or 0
   */
  public record Layer(
      long handledFiles, long handledNet, long scoped, List<PathRule> paths, List<PortRule> ports) {
    public Layer {
      paths = List.copyOf(paths);
      ports = List.copyOf(ports);
    }
  }

  /**
   * {@return the kernel's Landlock ABI version, or 0 if this JVM or kernel cannot use Landlock
   * ({@link #unavailable} says why)}; the first call loads the foreign function API
   */
  public static int abi() {
    Landlock landlock = Landlock.get();
    return landlock == null || landlock.abi() < 0 ? 0 : landlock.abi();
  }

  /** {@return why {@link #abi} is 0, or {@code null} if it is not} */
  public static String unavailable() {
    Landlock landlock = Landlock.get();
    if (landlock == null) {
      return Landlock.why();
    }
    if (landlock.abi() < 0) {
      return landlock.abi() == -38
          ? "the kernel has no Landlock (Linux 5.13+ built with CONFIG_SECURITY_LANDLOCK)"
          : landlock.abi() == -1
              ? "Landlock's system calls are blocked (errno 1: a seccomp filter, as containers set)"
              : "Landlock is not enabled in this kernel (errno "
                  + -landlock.abi()
                  + "; add landlock to the lsm= boot parameter)";
    }
    return null;
  }

  /**
   * {@return whether class-path code has native access now}: {@code true} before JDK 22, where
   * there is no such thing
   */
  public static boolean nativeAccess() {
    try {
      return (boolean)
          Module.class.getMethod("isNativeAccessEnabled").invoke(KernelSandbox.class.getModule());
    } catch (ReflectiveOperationException olderJdk) {
      return true;
    }
  }

  /**
   * {@return {@code null} if files tools open are pinned with {@code openat2} (JDK 22+ on Linux,
   * see {@code PinnedOpens}), or why not}; the first call decides it for the life of the JVM, on
   * the switch as {@link #readSwitches} read it, so the agent makes it before any tool runs
   */
  public static String pinnedOpens() {
    PinnedOpens.release(); // initialises the class here, outside tools
    return PinnedOpens.Availability.UNAVAILABLE;
  }
}
