package io.toolguard.bootstrap;

import static io.toolguard.bootstrap.ToolFrames.CURRENT;

import io.toolguard.bootstrap.ToolFrames.Frame;
import java.net.InetSocketAddress;

/**
 * The bridge between code woven into other classes and the agent that decides, on the bootstrap
 * class path: the entry and exit of tools, and one check entry per kind of access a tool makes
 * (files, processes, connections and listening sockets, environment variables and system
 * properties, JVM-wide actions). Its package holds the rest of the bridge: {@link HandOffs} carries
 * a tool's context to the threads and tasks it hands work to, and the package-private {@code
 * ToolFrames} holds the per-thread stack of contexts that both share.
 *
 * <p>Why it must stay here. Advice is inlined into tool methods of any class loader (the
 * application's, a Spring Boot launcher's, an isolated plugin loader with no parent) and into JDK
 * classes themselves ({@code java.io}, {@code sun.nio.fs}). The only class loader every one of them
 * can see is the bootstrap loader, so the woven code calls this package and nothing else. The agent
 * (loaded by a class loader of its own, with its shaded Byte Buddy and YAML parser) registers its
 * {@link Hooks} here once at start-up. The agent defines every class of this package into the
 * bootstrap loader (not by appending to its search path, which costs the application its class-data
 * sharing; see {@code BootstrapJar}) before any class that refers to it is loaded; parent-first
 * delegation then makes this copy the only one in use, even though the same class files also sit in
 * the agent jar.
 *
 * <p>Why it checks its own class loader. Had another loader defined a second copy of this class
 * first (the agent jar on an application's class path, and something there loading this class
 * before toolguard was attached), the agent would register its hooks with that copy, tools would
 * enter their contexts in it, and the JDK's woven checks, which reach the bootstrap copy, would
 * never see a tool running: every access would go unchecked, silently. So {@link #install} refuses
 * to install into any copy but the bootstrap loader's, and says what happened, as Mockito's inline
 * dispatcher does. It checks there and not as the class loads, so that unit tests can load this
 * package from the class path and reach it through a package-private seam ({@link
 * #installForTests}) that the bootstrap copy refuses.
 *
 * <p>Why it is so small and uses JDK types only. A class on the bootstrap path cannot see the
 * agent's classes, and anything it loads is shared by the whole JVM. So it holds just the
 * per-thread stack of tool contexts (as opaque objects) and forwards decisions to the hooks, one
 * hook per entry, with JDK types (mostly {@code Object}) as arguments. File checks woven into
 * {@code java.io} and {@code sun.nio.fs} run on every file operation of the JVM, so each check
 * costs one thread-local read when no tool is running, and marks the thread while it checks, so
 * that the check's own file system calls (or environment reads) are not checked again.
 *
 * <p>Why a tool cannot tamper with it. The classes are public because woven code in every package
 * must call them, so tool code can call them too. {@link #install} works once; {@link #exitTool}
 * only pops the frame it is handed if that frame is on this thread's stack, and frames are
 * package-private objects that tool code never sees, so a tool cannot drop its own context. A check
 * entry cannot change a context at all. Of {@link HandOffs}' entries, those a tool may call carry
 * only the calling thread's context onto what they are given; those that enter or leave a task's
 * context do nothing unless the JDK class that runs such tasks called them (a fork/join task cannot
 * leave its context by saying it is done), and tasks and threads are known by identity, never by
 * their own {@code hashCode} or {@code equals}. Any failure while deciding denies the call: an
 * exception escaping the hooks becomes a {@link SecurityException}.
 */
public final class Dispatcher {

  /**
   * What the agent does when a tool is called or reaches out, one method per entry of {@link
   * Dispatcher}; implemented by the agent, called only inside tools, with the context of the tool
   * whose code reached the entry.
   */
  public interface Hooks {

    /**
     * Decides a call to the tool registered under {@code toolId}.
     *
     * @param outerContext the context of the tool this call is nested in, or {@code null}
     * @return the context the tool body runs in
     * @throws SecurityException if the call is denied
     */
    Object enterTool(int toolId, Object[] arguments, Object outerContext);

    /**
     * Looks at what a tool body returned before the tool's caller (and so the model) gets it. Does
     * nothing by default: hooks that keep no results back need not implement it.
     *
     * @param context the context the body ran in
     * @param result what it returned, not {@code null} (a primitive boxed)
     * @throws SecurityException if the result is withheld: the call then fails with it
     */
    default void toolReturned(Object context, Object result) {}

    /**
     * Weaves a class born in a tool call so that each of its methods runs in that call's context
     * ({@link Born}).
     *
     * @param classFile the class file ({@code byte[]})
     * @param number the call's number, which the woven code hands {@link Born#enter}
     * @return the woven class file
     */
    Object weaveBorn(Object classFile, int number);

    /**
     * Whether a class a loader created outside tools is defining in a tool is not that loader's own
     * class file ({@link #definingClass}): the class is then born in the tool.
     *
     * @param loader the loader, not the JDK's and not born in a tool
     * @param classFile the bytes the class is defined from: a copy no other code holds
     * @return the class's internal name if it is born, else {@code null}
     */
    String bornDefinition(Object loader, byte[] classFile, int offset, int length);

    /**
     * A class loader created in a tool named {@code url} as one of its resources: what the JDK then
     * reads there on the loader's behalf is the tool's reading ({@link #resourceChosen}).
     *
     * @throws SecurityException if the URL does not say clearly which file it names
     */
    void resourceChosen(Object context, Object url);

    /**
     * Joins the context of a tool call whose born code is about to run with the context this thread
     * is in.
     *
     * @return {@code current} if it is already restricted by {@code born}, else a context that
     *     allows only what both allow
     */
    Object joinContexts(Object born, Object current);

    /**
     * Decides a file access.
     *
     * @param path a {@code Path}, {@code File}, {@code String}, {@code URL} or {@code URL[]}
     * @param access the bits of this class's file access constants
     * @param detail open options, link options or copy options, the folder a relative path is
     *     resolved against, what {@link #RANDOM_ACCESS_MODE} or {@link #VIEW} say, or {@code null}
     * @return the path the JDK method should use: where {@code path} really leads if {@link
     *     #RESOLVED} was asked for and the access is allowed, else {@code path} itself
     * @throws SecurityException if the access is denied
     */
    Object checkFile(Object context, Object path, int access, Object detail);

    /**
     * Decides an open of an existing file that the kernel has resolved already (JDK 22+ on Linux,
     * {@link PinnedOpens#resolve}): the same decision as {@link #checkFile}, on {@code real}
     * instead of a path resolved again, with what {@code statx} said of the file. By default (hooks
     * that only decide on paths, a test's) it decides on {@code real} as a path.
     *
     * @param real the absolute path the kernel names the opened file by, every link resolved
     * @param inode regular file (1 or 0), hard links, device, inode number, the device it is (a
     *     device file) or 0
     * @throws SecurityException if the access is denied
     */
    default void checkResolved(
        Object context, Object path, int access, Object detail, String real, long[] inode) {
      checkFile(context, real, access & ~(RESOLVED | PINNED), detail);
    }

    /**
     * Decides a process start, and trims the environment it starts with to what the tool may pass
     * on.
     *
     * @param process a {@code ProcessBuilder} made of exactly what the JDK will start, which no
     *     tool holds
     * @throws SecurityException if the start is denied
     */
    void checkExec(Object context, Object process);

    /**
     * Makes the fork of a process a tool starts, which {@link #checkExec} allowed just before on
     * this thread: as it is, or inside the kernel sandbox of the tool's grants.
     *
     * @return the process id
     * @throws java.io.IOException as the JDK's fork throws it
     * @throws SecurityException if the process may not start unconfined and cannot be confined
     */
    default int forkAndExec(Object context, ForkRequest fork) throws java.io.IOException {
      return fork.fork();
    }

    /**
     * Remembers a process a tool started.
     *
     * @param process the {@code Process}
     */
    void processStarted(Object context, Object process);

    /**
     * Decides a connection, or a datagram sent to an address.
     *
     * @param address an {@code InetAddress} (then {@code port} is an {@code Integer}), an {@code
     *     InetSocketAddress} or the real {@code Path} of a Unix-domain socket (then {@code port} is
     *     {@code null})
     * @throws SecurityException if the connection is denied
     */
    void checkConnect(Object context, Object address, Object port);

    /**
     * Decides a server socket's bind.
     *
     * @param address the {@code SocketAddress} it binds to, {@code null} for any, or the real
     *     {@code Path} of a Unix-domain socket
     * @throws SecurityException if listening there is denied
     */
    void checkListen(Object context, Object address);

    /**
     * Decides a name lookup.
     *
     * @param target the host name ({@code String}) whose addresses are looked up, or the {@code
     *     InetAddress} whose name is
     * @throws SecurityException if the lookup is denied
     */
    void checkResolve(Object context, Object target);

    /**
     * Decides a datagram socket's bind, multicast join or receive.
     *
     * @param channel the {@code DatagramChannel} (which {@code DatagramSocket} and {@code
     *     MulticastSocket} are built on)
     * @param address the {@code SocketAddress} it binds to (or {@code null} for any), the {@code
     *     InetAddress} of the multicast group it joins, or the string {@code "receive"} when it
     *     receives
     * @throws SecurityException if receiving there is denied
     */
    void checkReceive(Object context, Object channel, Object address);

    /**
     * {@return the name {@code System.getenv} should look up for {@code name}: itself, or one never
     * set}
     */
    Object filterVariable(Object context, Object name);

    /**
     * {@return the key {@code System.getProperty} should look up for {@code name}: itself, or one
     * never set}
     */
    Object filterProperty(Object context, Object name);

    /**
     * {@return what {@code System.getenv()} should return for {@code environment}: what the tool
     * may read}
     */
    Object filterVariables(Object context, Object environment);

    /**
     * {@return what {@code System.getProperties()} should return for {@code properties}: what the
     * tool may read}
     */
    Object filterProperties(Object context, Object properties);

    /**
     * Trims a {@code ProcessBuilder}'s environment, which the process will inherit, where it
     * stands.
     *
     * @return {@code environment} itself
     */
    Object filterProcessEnvironment(Object context, Object environment);

    /**
     * Decides an action that changes the whole JVM, or opening a class up by reflection.
     *
     * @param action what it does ({@code "exit the JVM"}), or the {@code Class} or {@code Member}
     *     being opened up
     * @throws SecurityException if the action is denied
     */
    void jvmAction(Object context, Object action);

    /**
     * Called inside a tool when it starts a thread: whether the thread runs in the tool's context
     * for its whole life. Not for the workers of a thread pool, which run tasks from anyone: their
     * tasks carry their own context (see {@link HandOffs#handOff}).
     */
    boolean threadInheritsContext();

    /**
     * Called inside a tool when work is scheduled to run later (a timer task): whether the code
     * scheduling it is the JVM initialising itself, whose work then does not join the tool's
     * context but serves the whole JVM (the preferences' periodic sync, say).
     */
    boolean jvmInitialising();
  }

  /**
   * File access bits woven JDK code passes to {@link #checkFile}; constants, so they are inlined
   * into it.
   */
  public static final int READ = 1;

  public static final int WRITE = 2;
  public static final int DELETE = 4;

  /** Learns whether a file exists or what its attributes are: allowed where any grant reaches. */
  public static final int PROBE = 8;

  /** The operation acts on a final symbolic link itself, not where it leads. */
  public static final int NO_FOLLOW = 16;

  /**
   * The caller opens the path it gets back: hand it the resolved path, so no link can be swapped.
   */
  public static final int RESOLVED = 32;

  /** Read, write or both, as the open options in the detail say. */
  public static final int OPEN = 64;

  /** The path is relative to the folder given as detail (a link target, say). */
  public static final int RELATIVE = 128;

  /** The path is relative to an open directory handle that toolguard cannot see. */
  public static final int UNRESOLVABLE = 256;

  /** The detail is the {@code RandomAccessFile} mode: 1 reads only, anything else also writes. */
  public static final int RANDOM_ACCESS_MODE = 512;

  /** The detail is an attribute view's {@code followLinks}. */
  public static final int VIEW = 1024;

  /**
   * The caller opens the path it gets back, and the JDK 22+ can have the kernel pin it: hand it
   * {@code /proc/self/fd/…} of the file or folder the check decided on ({@link PinnedOpens}).
   */
  public static final int PINNED = 2048;

  /** {@link #unpooled}'s key part is any object, compared by identity. */
  public static final String IDENTITY_KEY = "identity";

  /** {@link #unpooled}'s key part is the {@code InetSocketAddress} of a proxy, or {@code null}. */
  public static final String PROXY_KEY = "proxy";

  /** {@link #unpooled}'s key is a {@code String} made of the host name and port. */
  public static final String NAME_KEY = "name";

  /**
   * {@link #unpooled}'s key is the application's {@code ResponseCache}: inside a tool there is
   * none, so a response cached for a host the tool may not reach is never handed to it.
   */
  public static final String CACHE_KEY = "cache";

  /** Appended to a host-name key: no pooled connection has a key with a NUL character in it. */
  private static final String NEVER_POOLED_NAME = "\u0000toolguard-unpooled";

  /** A proxy no pooled connection goes through: the name cannot be resolved. */
  private static final InetSocketAddress NEVER_POOLED_PROXY =
      InetSocketAddress.createUnresolved("toolguard-unpooled.invalid", 0);

  private static volatile Hooks hooks;

  /**
   * At JVM start, the agent's thread that installs the hooks while {@code main} runs, or null: a
   * tool call before them waits for it, and only it may install them ({@link #hooksAhead}).
   */
  private static volatile Thread installer;

  /** Whether {@link #installer} said it will not install the hooks. */
  private static volatile boolean hooksWillNotCome;

  /** What a tool call waiting for the hooks waits on. */
  private static final Object INSTALLED = new Object();

  /** Classes a unit test lets stand in for the JDK's; always empty in the bootstrap copy. */
  private static volatile java.util.Set<Class<?>> jdkClassesForTests = java.util.Set.of();

  private Dispatcher() {}

  /**
   * Registers the agent's hooks; a second call fails, so nothing can replace them later.
   *
   * @throws IllegalStateException if hooks are already installed, or if this copy of the class is
   *     not the bootstrap loader's
   */
  public static synchronized void install(Hooks agentHooks) {
    if (hooksWillNotCome) {
      // Said by toolguard's own thread when it failed: nothing that runs on it later (code of the
      // application's it calls, as its stderr) may install hooks in their place.
      throw new IllegalStateException("toolguard's hooks will not be installed in this JVM");
    }
    Thread named = installer;
    if (named != null && named != Thread.currentThread()) {
      // Code that runs in main before toolguard's thread installs its hooks must not put its own
      // in their place.
      throw new IllegalStateException(
          "toolguard's hooks are installed by its own thread " + named.getName());
    }
    ClassLoader loader = Dispatcher.class.getClassLoader();
    if (loader != null) {
      throw new IllegalStateException(
          Dispatcher.class.getName()
              + " is loaded by "
              + loader
              + ", not the bootstrap class loader: the JDK's woven checks would reach another copy of it and never see a"
              + " tool running. A copy of toolguard's classes on the application's class path (its classes jar, or one"
              + " bundled into the application) was loaded before the agent defined them in the bootstrap class loader;"
              + " take it off the class path and give toolguard only as -javaagent:toolguard-agent.jar (or attach it)");
    }
    if (agentHooks == null) {
      throw new NullPointerException("hooks");
    }
    if (hooks != null) {
      throw new IllegalStateException(
          "toolguard is already installed in this JVM; give -javaagent:toolguard-agent.jar only once");
    }
    hooks = agentHooks;
    synchronized (INSTALLED) {
      INSTALLED.notifyAll();
    }
  }

  /**
   * At JVM start: the agent's hooks are to be installed by {@code thread} while {@code main} runs,
   * so a tool call made before waits for them (and is denied if the thread ends without installing
   * them), and only that thread may install them. Named once: later calls change nothing, but that
   * thread's own with {@code null}, which says they will not come, and a tool call waiting for them
   * is denied now. Changes nothing once they are installed: a tool that calls this gains nothing.
   */
  public static void hooksAhead(Thread thread) {
    synchronized (Dispatcher.class) {
      if (hooks != null) {
        return;
      }
      Thread named = installer;
      if (named == null && thread != null) {
        installer = thread;
      } else if (named != null && thread == null && named == Thread.currentThread()) {
        hooksWillNotCome = true;
      } else {
        return;
      }
    }
    synchronized (INSTALLED) {
      INSTALLED.notifyAll();
    }
  }

  /**
   * {@return the hooks, once the thread {@link #hooksAhead} named has installed them, or null if it
   * ended without}: for a tool call that came first; an interrupt meanwhile is kept for later
   */
  private static Hooks awaitHooks() {
    Thread coming = installer;
    if (coming == null || coming == Thread.currentThread()) {
      return hooks;
    }
    boolean interrupted = false;
    synchronized (INSTALLED) {
      while (hooks == null && !hooksWillNotCome && coming.isAlive()) {
        try {
          INSTALLED.wait(100);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return hooks;
  }

  /**
   * The unit tests' way in: sets (with {@code null}, clears) the hooks of a copy of this class that
   * a test's class loader defined. Package-private, so only code this package's loader defined can
   * call it, and the bootstrap copy refuses, so it can never replace the agent's hooks.
   */
  static synchronized void installForTests(Hooks testHooks) {
    if (Dispatcher.class.getClassLoader() == null) {
      throw new IllegalStateException("toolguard's hooks are installed once, by the agent");
    }
    hooks = testHooks;
    if (testHooks == null) {
      installer = null;
      hooksWillNotCome = false;
    }
  }

  /**
   * The unit tests' way to let a fixture of theirs, shaped as a JDK class, be checked as one.
   * Package-private, and refused by the bootstrap copy, as {@link #installForTests} is.
   */
  static void jdkClassesForTests(java.util.Set<Class<?>> classes) {
    if (Dispatcher.class.getClassLoader() == null) {
      throw new IllegalStateException("only a test's copy of toolguard's bridge has test classes");
    }
    jdkClassesForTests = java.util.Set.copyOf(classes);
  }

  /** {@return the agent's hooks, or null before it installed them} */
  static Hooks hooks() {
    return hooks;
  }

  /**
   * {@return the agent's hooks, for a check made on a thread with a tool frame}
   *
   * <p>Only a tool call, which the hooks must allow, makes a frame, so a check that has one finds
   * them. But at JVM start the JDK is woven before the hooks are installed (on a thread of its own,
   * beside the policy), so a check must never meet a null: without hooks it is denied, as any check
   * that cannot be decided is, never a {@code NullPointerException} in the JDK's code.
   *
   * @throws SecurityException if the agent has not installed its hooks
   */
  static Hooks agent() {
    Hooks current = hooks;
    if (current == null) {
      throw new SecurityException("toolguard is not initialised, so this access was denied");
    }
    return current;
  }

  /**
   * {@return whether a tool, or work one handed over, runs on this thread}: for the tool-class
   * prefilter, which keeps what it learns from a class's bytes only where no tool can have forged
   * them. Outside tools, one thread-local read.
   */
  public static boolean toolRuns() {
    return CURRENT.get() != null;
  }

  /**
   * Called by woven code before a tool body runs.
   *
   * @return an opaque frame to pass to {@link #exitTool} when the body ends
   * @throws SecurityException if the call is denied or could not be decided
   */
  public static Object enterTool(int toolId, Object[] arguments) {
    Hooks current = hooks;
    if (current == null) {
      current = awaitHooks();
    }
    if (current == null) {
      throw new SecurityException("toolguard is not initialised, so this tool call was denied");
    }
    Frame outer = CURRENT.get();
    Object context;
    // Inside another tool, toolguard's own work for this call is not checked as that tool's.
    boolean wasChecking = outer != null && outer.checking;
    if (outer != null) {
      outer.checking = true;
    }
    try {
      context = current.enterTool(toolId, arguments, outer == null ? null : outer.context);
    } catch (SecurityException denied) {
      throw denied;
    } catch (Throwable failure) {
      throw new SecurityException(
          "toolguard could not check this tool call, so it was denied (" + failure + ")");
    } finally {
      if (outer != null) {
        outer.checking = wasChecking;
      }
    }
    Frame frame = new Frame(context, outer);
    CURRENT.set(frame);
    return frame;
  }

  /**
   * Called by woven code when a tool body ends, normally or by an exception: leaves the tool's
   * frame and any frame above it (which only a tool calling {@link #enterTool} itself can leave
   * behind). A frame that is not on this thread's stack changes nothing.
   */
  public static void exitTool(Object frame) {
    PinnedOpens.release();
    for (Frame open = CURRENT.get(); open != null; open = open.outer) {
      if (open == frame) {
        CURRENT.set(open.outer);
        return;
      }
    }
  }

  /**
   * Called by woven code when a tool body ends, instead of {@link #exitTool}: first hands what the
   * body returned to the agent, which may withhold it by throwing, then leaves the tool's frame
   * whatever happened. Marks the frame as checking meanwhile, so that the agent's own work (an
   * audit line) is not decided as the tool's.
   *
   * @param result what the body returned, or {@code null} when it threw or returns nothing
   * @throws SecurityException if the result is withheld or could not be looked at
   */
  public static void exitTool(Object frame, Object result) {
    Hooks current = hooks;
    try {
      if (result != null && frame instanceof Frame tool && current != null) {
        boolean wasChecking = tool.checking;
        tool.checking = true;
        try {
          current.toolReturned(tool.context, result);
        } catch (SecurityException withheld) {
          throw withheld;
        } catch (Throwable failure) {
          throw new SecurityException(
              "toolguard could not check what this tool returned, so it was withheld ("
                  + failure
                  + ")");
        } finally {
          tool.checking = wasChecking;
        }
      }
    } finally {
      exitTool(frame);
    }
  }

  /*
   * The check entries. Each returns at once outside a tool, and while this thread is already
   * checking, so that a check's own file system calls and reads are not checked again.
   */

  /**
   * Called by woven JDK code before it touches the disk.
   *
   * @return the path to use (see {@link Hooks#checkFile})
   * @throws SecurityException if the access is denied or could not be decided
   */
  public static Object checkFile(Object path, int access, Object detail) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return path;
    }
    refuseForeign(path, "path");
    refuseForeign(detail, "option");
    frame.checking = true;
    try {
      if ((access & PINNED) != 0) {
        PinnedOpens.Opened opened = PinnedOpens.resolve(path, (access & OPEN) == 0 ? null : detail);
        if (opened != null) {
          try {
            agent()
                .checkResolved(frame.context, path, access, detail, opened.real(), opened.inode());
            return opened.handOver(path);
          } finally {
            opened.close();
          }
        }
      }
      Object checked = agent().checkFile(frame.context, path, access, detail);
      return (access & PINNED) == 0 ? checked : pin(checked, access, detail);
    } catch (PinnedOpens.Failed failed) {
      throw PinnedOpens.sneaky(failed.getCause());
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /** An allowed open, pinned to what was checked where the JDK and kernel can (JDK 22+). */
  private static Object pin(Object checked, int access, Object detail) {
    boolean javaIo = (access & OPEN) == 0;
    boolean creates =
        javaIo
            ? (access & WRITE) != 0
                || ((access & RANDOM_ACCESS_MODE) != 0 && !Integer.valueOf(1).equals(detail))
            : detail instanceof java.util.Collection<?> options
                && (options.contains(java.nio.file.StandardOpenOption.CREATE)
                    || options.contains(java.nio.file.StandardOpenOption.CREATE_NEW));
    return PinnedOpens.pin(checked, javaIo, creates, javaIo ? null : detail);
  }

  /**
   * Called by woven {@code ProcessImpl.start} with exactly what the JDK is about to start: the
   * command array ({@code ProcessBuilder} copied it from its list, so no other thread of the tool
   * can change it), the working folder and the redirects (a copy {@link #snapshot} took). The
   * builder's environment is another matter: the tool may hold it and change it from another thread
   * after any check. So the process is decided on a new builder made of these, with a copy of that
   * environment, and the JDK is handed that copy, trimmed to what the tool may pass on.
   *
   * @param environment the builder's environment ({@code Map}), or {@code null} for the JVM's
   * @param command the command ({@code String[]})
   * @param directory the working folder ({@code String}), or {@code null}
   * @param redirects the redirects ({@code ProcessBuilder.Redirect[]}), or {@code null}
   * @return the environment the process starts with
   * @throws SecurityException if the start is denied or could not be decided
   */
  @SuppressWarnings("unchecked")
  public static Object checkExec(
      Object environment, Object command, Object directory, Object redirects) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return environment;
    }
    refuseForeign(environment, "environment");
    frame.checking = true;
    try {
      ProcessBuilder checked = new ProcessBuilder((String[]) command);
      if (directory != null) {
        checked.directory(new java.io.File((String) directory));
      }
      if (redirects instanceof ProcessBuilder.Redirect[] streams && streams.length == 3) {
        checked.redirectInput(streams[0]);
        checked.redirectOutput(streams[1]);
        checked.redirectError(streams[2]);
      }
      java.util.Map<String, String> copy = checked.environment();
      if (environment != null) {
        copy.clear();
        copy.putAll((java.util.Map<String, String>) environment);
      }
      agent().checkExec(frame.context, checked);
      return copy;
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code ProcessImpl}'s constructor instead of its own {@code forkAndExec}, with
   * the same arguments: outside tools, and for toolguard's own starts, that very call through a
   * constant handle; inside a tool, the agent makes it, inside the tool's kernel sandbox where it
   * applies. Only the fork leaves this thread ({@link ForkRequest}).
   *
   * @param process the {@code ProcessImpl} being made
   * @return the process id
   * @throws java.io.IOException as the JDK's fork throws it
   * @throws SecurityException if the process may not start, or deciding failed
   */
  public static int forkAndExec(
      Object process,
      int mode,
      byte[] helper,
      byte[] program,
      byte[] arguments,
      int argumentCount,
      byte[] environment,
      int variableCount,
      byte[] folder,
      int[] descriptors,
      boolean redirectErrorStream)
      throws java.io.IOException {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return Forks.fork(
          process,
          mode,
          helper,
          program,
          arguments,
          argumentCount,
          environment,
          variableCount,
          folder,
          descriptors,
          redirectErrorStream);
    }
    frame.checking = true;
    try {
      return agent()
          .forkAndExec(
              frame.context,
              new ForkRequest(
                  process,
                  mode,
                  helper,
                  program,
                  arguments,
                  argumentCount,
                  environment,
                  variableCount,
                  folder,
                  descriptors,
                  redirectErrorStream));
    } catch (java.io.IOException refusedByTheSystem) {
      throw refusedByTheSystem;
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code ProcessImpl.start} with the process it started: one a tool started is
   * remembered, so that tools may read about and end it (and its descendants) through {@code
   * ProcessHandle}, and no other. A failure to remember is not thrown (the process runs already,
   * and its caller must get it): a tool is then refused that process, which fails closed.
   */
  public static void processStarted(Object process) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking || process == null) {
      return;
    }
    frame.checking = true;
    try {
      agent().processStarted(frame.context, process);
    } catch (Throwable notRemembered) {
      // fails closed: see above
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven JDK code with an array or a set of options (or redirects) it is about to check
   * and use: inside a tool, answers a copy of its own, which no other thread of the tool holds, so
   * that the check and the JDK see the same options. A set of a class not the JDK's is copied as it
   * answers now, before anything is marked; its answer is what is checked and used. Outside tools,
   * and for toolguard's own work, answers {@code value} itself.
   *
   * @return the copy to check and use
   */
  public static Object snapshot(Object value) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking || value == null) {
      return value;
    }
    if (value instanceof Object[] array) {
      return array.clone();
    }
    if (value instanceof java.util.Set<?> set) {
      return java.util.Set.copyOf(set);
    }
    return value;
  }

  /**
   * Called by woven JDK code with the attributes of a file it is about to create ({@code
   * FileAttribute[]}): inside a tool, answers attributes of the JDK's own made from what each says
   * now, before anything is checked, so that no code of the tool's runs between the check and the
   * JDK's open (the JDK reads them just before it opens). As the JDK, takes only permissions
   * ({@code posix:permissions}, {@code unix:permissions}): any other name is refused as the JDK
   * refuses it. Outside tools, and for toolguard's own work, answers {@code attributes} itself.
   *
   * @return the attributes to use
   * @throws UnsupportedOperationException for an attribute the JDK does not take at creation
   * @throws ClassCastException for permissions that are not {@code PosixFilePermission}s
   */
  @SuppressWarnings("unchecked")
  public static Object snapshotAttributes(Object attributes) {
    Frame frame = CURRENT.get();
    if (frame == null
        || frame.checking
        || !(attributes instanceof java.nio.file.attribute.FileAttribute<?>[] given)) {
      return attributes;
    }
    java.nio.file.attribute.FileAttribute<?>[] own =
        new java.nio.file.attribute.FileAttribute<?>[given.length];
    for (int i = 0; i < given.length; i++) {
      java.nio.file.attribute.FileAttribute<?> attribute = given[i];
      if (attribute == null) {
        throw new NullPointerException();
      }
      String name = attribute.name();
      if (!"posix:permissions".equals(name) && !"unix:permissions".equals(name)) {
        throw new UnsupportedOperationException(
            "'" + name + "' not supported as initial attribute");
      }
      java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions =
          java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
      for (Object permission : (java.util.Set<Object>) attribute.value()) {
        permissions.add((java.nio.file.attribute.PosixFilePermission) permission);
      }
      own[i] = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissions);
    }
    return own;
  }

  /**
   * Called by woven JDK code before it connects, or sends a datagram to an address.
   *
   * @throws SecurityException if the connection is denied or could not be decided
   */
  public static void checkConnect(Object address, Object port) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return;
    }
    frame.checking = true;
    try {
      agent().checkConnect(frame.context, address, port);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven connection pools ({@code HttpURLConnection}'s keep-alive cache, {@code
   * HttpClient}'s HTTP/1.1 pool and HTTP/2 connection cache, and {@code ResponseCache.getDefault},
   * whose answer {@code HttpURLConnection} serves responses from) with the key, or the part of the
   * key, they are about to look a connection up by. Inside a tool it answers a key nothing is
   * pooled under, so the lookup finds nothing and leaves the pool as it was, and the tool opens a
   * new connection, which {@link #checkConnect} decides: a pooled connection, whoever opened it and
   * to whatever destination, is never handed to a tool. Outside tools, and for toolguard's own
   * work, it answers {@code key} itself.
   *
   * @param key the key or key part, possibly {@code null}
   * @param kind what it is: {@link #IDENTITY_KEY}, {@link #PROXY_KEY}, {@link #NAME_KEY} or {@link
   *     #CACHE_KEY}
   * @return the key to look up by
   */
  public static Object unpooled(Object key, Object kind) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return key;
    }
    if (NAME_KEY.equals(kind)) {
      return key + NEVER_POOLED_NAME;
    }
    if (PROXY_KEY.equals(kind)) {
      return NEVER_POOLED_PROXY;
    }
    if (CACHE_KEY.equals(kind)) {
      return null;
    }
    return new Object();
  }

  /**
   * Called by woven server sockets before they bind.
   *
   * @throws SecurityException if listening is denied or could not be decided
   */
  public static void checkListen(Object address) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return;
    }
    frame.checking = true;
    try {
      agent().checkListen(frame.context, address);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code InetAddress} before it asks the name service for a host name's addresses
   * or an address's name.
   *
   * @throws SecurityException if the lookup is denied or could not be decided
   */
  public static void checkResolve(Object target) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return;
    }
    frame.checking = true;
    try {
      agent().checkResolve(frame.context, target);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven datagram channels before they bind, join a multicast group or receive.
   *
   * @throws SecurityException if receiving is denied or could not be decided
   */
  public static void checkReceive(Object channel, Object address) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return;
    }
    frame.checking = true;
    try {
      agent().checkReceive(frame.context, channel, address);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code System.getenv(name)} before it looks the name up.
   *
   * @return the name to look up (see {@link Hooks#filterVariable})
   * @throws SecurityException if the read could not be decided
   */
  public static Object filterVariable(Object name) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return name;
    }
    frame.checking = true;
    try {
      return agent().filterVariable(frame.context, name);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code System.getProperty} before it looks the key up.
   *
   * @return the key to look up (see {@link Hooks#filterProperty})
   * @throws SecurityException if the read could not be decided
   */
  public static Object filterProperty(Object name) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return name;
    }
    frame.checking = true;
    try {
      return agent().filterProperty(frame.context, name);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code System.getenv()} with the map it is about to return.
   *
   * @return the map to return instead (see {@link Hooks#filterVariables})
   * @throws SecurityException if the read could not be decided
   */
  public static Object filterVariables(Object environment) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return environment;
    }
    frame.checking = true;
    try {
      return agent().filterVariables(frame.context, environment);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code System.getProperties()} with the properties it is about to return.
   *
   * @return the properties to return instead (see {@link Hooks#filterProperties})
   * @throws SecurityException if the read could not be decided
   */
  public static Object filterProperties(Object properties) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return properties;
    }
    frame.checking = true;
    try {
      return agent().filterProperties(frame.context, properties);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code ProcessBuilder.environment()} with the builder's own copy of the
   * environment, which a process it starts inherits.
   *
   * @return the same map, trimmed (see {@link Hooks#filterProcessEnvironment})
   * @throws SecurityException if the read could not be decided
   */
  public static Object filterProcessEnvironment(Object environment) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return environment;
    }
    frame.checking = true;
    try {
      return agent().filterProcessEnvironment(frame.context, environment);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven JDK code before an action that changes the whole JVM (exit, shutdown hooks,
   * native libraries, standard streams, system properties, global defaults) or opens a class up by
   * reflection.
   *
   * @throws SecurityException if the action is denied or could not be decided
   */
  public static void jvmAction(Object action) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking) {
      return;
    }
    frame.checking = true;
    try {
      agent().jvmAction(frame.context, action);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by the woven JDK method every class a {@code MethodHandles.Lookup} defines goes through
   * (lambdas and method references, hidden classes, {@code Lookup.defineClass}), with the class
   * file it is about to define. A hidden class defined with the lookup of a class born in a tool is
   * born there too, and is woven as such ({@link Born}): the lambdas of a script carry its
   * confinement, whoever defines it. A class defined by code born in a tool through the lookup of a
   * class that was not (an application class's private lookup) is refused: born code defines
   * classes only in its own loader, where they carry its confinement. So is a class that is not
   * hidden, defined with the lookup of a born class whose loader the tool did not create (a script
   * the application's shared engine defined): nothing would weave it. Outside tools, one look-up of
   * the lookup class's loader among those created in tools (with none, one emptiness test).
   *
   * @param classFile the class file ({@code byte[]})
   * @param lookup the lookup class, whose loader will define the class
   * @param flags the JDK's class flags ({@code Integer}; 2 marks a hidden class)
   * @return the class file to define
   * @throws SecurityException if born code defines a class outside its loader, or the class could
   *     not be woven
   */
  public static Object defineClass(Object classFile, Object lookup, Object flags) {
    if (!(lookup instanceof Class<?> type)) {
      return classFile;
    }
    // Whoever defines it, and wherever: a born class's lookup may be handed to code outside tools.
    int number = Born.number(type);
    Frame frame = CURRENT.get();
    if (number < 0) {
      if (frame == null || frame.checking) {
        return classFile;
      }
      Class<?> definer = FirstCaller.outsideTheJdk();
      if (Born.isBorn(definer) && !spunByTheJdk(type, definer)) {
        throw new SecurityException(
            "toolguard stopped code a tool created from defining a class in "
                + type.getName()
                + "'s class loader, where it would not carry the tool's confinement: define it"
                + " with a lookup of the tool's own classes");
      }
      return classFile;
    }
    if (!(flags instanceof Integer bits) || (bits & HIDDEN_CLASS) == 0) {
      if (Born.loaderNumber(type.getClassLoader()) < 0) {
        // The class file transformer weaves what a loader born in a tool defines, and what a
        // loader expected to define a born class does; this one is neither, so the class would
        // run unconfined wherever it is handed.
        throw new SecurityException(
            "toolguard stopped code a tool created from defining a class with the lookup of "
                + type.getName()
                + ", in a class loader the tool did not create, where it would not carry the"
                + " tool's confinement: define it as a hidden class, or in a loader the tool"
                + " creates");
      }
      return classFile;
    }
    return weave(frame, classFile, number);
  }

  /**
   * Called by the woven JDK method every class a lookup defines goes through, with the class it
   * defined: a hidden class defined with the lookup of a class born in a tool in a loader that was
   * not ({@link #defineClass} wove it) is recorded as born, as the classes of a born loader are by
   * their loader. Only that JDK method's call counts (called directly, this would let code mark a
   * hidden class of the application's as born and confine it). Outside born code, a hidden-class
   * test and two emptiness tests.
   */
  public static void lookupDefined(Object type, Object lookup) {
    if (type instanceof Class<?> defined
        && defined.isHidden()
        && lookup instanceof Class<?> host
        && Born.loaderNumber(defined.getClassLoader()) < 0) {
      int number = Born.number(host);
      if (number >= 0 && isLangAccess(FirstCaller.WALKER.getCallerClass())) {
        Born.hiddenDefined(defined, number);
      }
    }
  }

  /**
   * {@return whether {@code caller} is the JDK's implementation of its shared secrets in java.lang}
   */
  private static boolean isLangAccess(Class<?> caller) {
    return caller != null
        && caller.getClassLoader() == null
        && caller.getName().startsWith("java.lang.System$");
  }

  /**
   * Called by the agent's class file transformer for each class a loader defines: {@code classFile}
   * woven for the tool call {@code loader} was created in, if it was created inside one, else
   * {@code classFile} itself. The weaving is toolguard's own work, so it is not checked as the
   * context of the thread that loads the class; it runs no code but the agent's (it reads only the
   * class file and the JDK's classes), so calling this directly grants nothing.
   *
   * @throws SecurityException if the class could not be woven
   */
  public static Object weaveBorn(Object loader, Object internalName, Object classFile) {
    int number = Born.loaderNumber(loader);
    if (number < 0 && internalName instanceof String name) {
      number = Born.expected(loader, name);
    }
    return number < 0 ? classFile : weave(CURRENT.get(), classFile, number);
  }

  /**
   * {@return {@code classFile} woven again for the call the loaded class {@code type} was born in,
   * or {@code null} if it was not born in a tool}: for the class file transformer, which the JVM
   * hands a born class without its weaving when another agent retransforms or redefines it
   */
  public static Object weaveBornAgain(Object type, Object classFile) {
    int number = type instanceof Class<?> loaded ? Born.number(loaded) : -1;
    return number < 0 ? null : weave(CURRENT.get(), classFile, number);
  }

  /** {@return whether the class file transformer has a class to weave on this thread} */
  public static boolean bornClassDefining(Object loader) {
    return Born.loaderNumber(loader) >= 0 || Born.expecting();
  }

  /**
   * Called by woven {@code ClassLoader.defineClass(String, byte[], int, int, ProtectionDomain)},
   * which every class a class loader defines from bytes goes through, with those bytes. Inside a
   * tool, a class that a loader created outside tools defines from bytes that are not that loader's
   * own class file for the name (a shared script engine's loader compiling what the tool runs, a
   * loader's public {@code define} method handed bytes by code in the tool) is born in the tool: it
   * is woven as a born loader's classes are, and carries the tool's confinement wherever it runs.
   * The check looks at a copy of the bytes, and the JDK defines exactly that copy. The JDK's own
   * loaders (defining from the class path and the runtime image), and loaders born in tools, whose
   * classes are all born, are not asked. Outside tools, one thread-local read.
   *
   * @param classFile the bytes ({@code byte[]})
   * @param loader the loader defining the class
   * @param offset where the class file starts in the bytes ({@code Integer})
   * @param length its length ({@code Integer})
   * @return the bytes to define from
   * @throws SecurityException if the definition could not be decided
   */
  public static Object definingClass(
      Object classFile, Object loader, Object offset, Object length) {
    Frame frame = CURRENT.get();
    if (frame == null
        || frame.checking
        || !(classFile instanceof byte[] bytes)
        || !(offset instanceof Integer start)
        || !(length instanceof Integer size)
        || Born.loaderNumber(loader) >= 0
        || Born.isTheJdks(loader)) {
      return classFile;
    }
    // Only ClassLoader's own code, which then defines exactly the copy returned, may have a class
    // expected as born: called directly, this entry would let code mark an application class,
    // loaded next, as born in its tool and confine the application.
    if (!isDefiner(FirstCaller.WALKER.getCallerClass())) {
      return classFile;
    }
    byte[] copy = bytes.clone();
    frame.checking = true;
    try {
      String born = agent().bornDefinition(loader, copy, start, size);
      if (born != null) {
        Born.expect(loader, born, frame.context);
      }
      return copy;
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /**
   * Called by woven {@code ClassLoader.defineClass(String, ByteBuffer, ProtectionDomain)}: inside a
   * tool, the bytes of a loader that {@link #definingClass} asks about are copied into an array, so
   * that the JDK defines them through the method that asks.
   *
   * @return the buffer to define from
   */
  public static Object definingClassFromBuffer(Object buffer, Object loader) {
    Frame frame = CURRENT.get();
    if (frame == null
        || frame.checking
        || !(buffer instanceof java.nio.ByteBuffer bytes)
        || Born.loaderNumber(loader) >= 0
        || Born.isTheJdks(loader)) {
      return buffer;
    }
    byte[] copy = new byte[bytes.remaining()];
    bytes.duplicate().get(copy);
    return java.nio.ByteBuffer.wrap(copy);
  }

  /**
   * Called by woven {@code ClassLoader.defineClass} with the class it defined: a class {@link
   * #definingClass} found born is recorded as such. Outside tools, one thread-local read.
   */
  public static void classDefined(Object type) {
    if (CURRENT.get() != null
        && type instanceof Class<?> defined
        && Born.expecting()
        && isDefiner(FirstCaller.WALKER.getCallerClass())) {
      Born.defined(defined);
    }
  }

  /** The classes the unit tests define classes from, in the class-path copy only. */
  private static volatile java.util.Set<Class<?>> definersForTests = java.util.Set.of();

  /** {@return whether {@code caller} is the JDK's {@code ClassLoader}, whose code is woven} */
  private static boolean isDefiner(Class<?> caller) {
    return caller == ClassLoader.class || definersForTests.contains(caller);
  }

  /**
   * The unit tests' way to play {@code ClassLoader}'s woven code from classes of their own.
   * Package-private, and refused by the bootstrap copy, as {@link #installForTests} is.
   */
  static void definersForTests(java.util.Set<Class<?>> definers) {
    if (Dispatcher.class.getClassLoader() == null) {
      throw new IllegalStateException("only a test's copy of toolguard's bridge has test definers");
    }
    definersForTests = java.util.Set.copyOf(definers);
  }

  /**
   * Woven where the JDK takes a resource from a class loader to read it on the loader's behalf
   * ({@code ClassLoader} and {@code URLClassLoader.getResourceAsStream}, {@code ResourceBundle}) or
   * passes one up from a parent loader ({@code ClassLoader.getResource}, a module layer's loader),
   * instead of its call of {@code loader.getResource(name)}: makes that call, and inside a tool
   * tells where the resource of a loader created in a tool lies. Such a loader's {@code
   * findResource}, or its own {@code getResource}, can name any file: the JDK reading it is then
   * the tool's reading, decided against its grants, not the JDK at work on its own behalf. The
   * resources of the application's loaders are let be. Called directly, it is that call and can
   * only deny more. Outside tools, one thread-local read after the call.
   *
   * @throws SecurityException if the resource's file could not be told
   */
  public static java.net.URL resourceOf(Object loader, String name) {
    java.net.URL found = ((ClassLoader) loader).getResource(name);
    return found == null ? null : (java.net.URL) resourceChosen(found, loader);
  }

  /**
   * Likewise for {@code loader.getResources(name)} ({@code ServiceLoader}, {@code
   * ClassLoader.getResources} asking a parent, a module layer's loader): each resource is told as
   * it is handed out.
   *
   * @throws java.io.IOException as {@code getResources} does
   * @throws SecurityException if a resource's file could not be told
   */
  @SuppressWarnings("unchecked")
  public static java.util.Enumeration<java.net.URL> resourcesOf(Object loader, String name)
      throws java.io.IOException {
    java.util.Enumeration<java.net.URL> found = ((ClassLoader) loader).getResources(name);
    return (java.util.Enumeration<java.net.URL>) resourceChosen(found, loader);
  }

  /**
   * Of a loader created in a tool, inside a tool: tells the agent where a resource it found lies.
   *
   * @param found a {@code URL}, or an {@code Enumeration} of them
   * @param loader the loader asked
   * @return {@code found}, or for an enumeration one that tells each URL it hands out
   */
  private static Object resourceChosen(Object found, Object loader) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking || found == null || Born.loaderNumber(loader) < 0) {
      return found;
    }
    if (found instanceof java.util.Enumeration<?> each) {
      return new ChosenResources(each, loader);
    }
    frame.checking = true;
    try {
      agent().resourceChosen(frame.context, found);
      return found;
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      frame.checking = false;
    }
  }

  /** The resources a class loader created in a tool found, each told as it is handed out. */
  private record ChosenResources(java.util.Enumeration<?> found, Object loader)
      implements java.util.Enumeration<Object> {

    @Override
    public boolean hasMoreElements() {
      return found.hasMoreElements();
    }

    @Override
    public Object nextElement() {
      return resourceChosen(found.nextElement(), loader);
    }
  }

  /** Weaves a born class as toolguard's own work, unchecked, whatever context it is defined in. */
  private static Object weave(Frame frame, Object classFile, int number) {
    boolean wasChecking = frame != null && frame.checking;
    if (frame != null) {
      frame.checking = true;
    }
    try {
      return agent().weaveBorn(classFile, number);
    } catch (Throwable failure) {
      throw denial(failure);
    } finally {
      if (frame != null) {
        frame.checking = wasChecking;
      }
    }
  }

  /**
   * Whether a class defined with {@code lookup}'s lookup while {@code definer} (born in a tool) is
   * on the stack is the JDK spinning its own classes (lambda forms, bound method handles' species,
   * the invokers reflection uses on newer JDKs) for whatever born code asked of it. A lookup that
   * can define classes needs package access to its class, which code outside the JDK gets only for
   * a package the JDK's module opens to it; so a JDK lookup class in a package not open to the
   * definer can only be the JDK's own doing, and the class it defines is the JDK's code.
   */
  private static boolean spunByTheJdk(Class<?> lookup, Class<?> definer) {
    ClassLoader loader = lookup.getClassLoader();
    Module module = lookup.getModule();
    return (loader == null || loader == ClassLoader.getPlatformClassLoader())
        && module.isNamed()
        && !module.isOpen(lookup.getPackageName(), definer.getModule());
  }

  /**
   * Called by woven {@code Proxy.newProxyInstance} with the proxy's invocation handler, and by
   * woven {@code MethodHandleProxies.asInterfaceInstance} with its target: when code born in a tool
   * asks for it (the first caller outside the JDK was defined by a loader created in a tool), the
   * answer runs in the context that code runs in, whoever calls the proxy later. The JDK's generic
   * callers ({@code java.beans.EventHandler}, a method-handle proxy) call any method on any object,
   * so born code could otherwise leave behind an object of the JDK's own classes that acts for it,
   * unconfined. Outside tools, one thread-local read; for code not born in a tool, its callback as
   * it is.
   *
   * @param callback an {@code InvocationHandler} or a {@code MethodHandle}
   * @return the callback to use
   */
  public static Object bornCallback(Object callback) {
    Frame frame = CURRENT.get();
    if (frame == null || frame.checking || callback == null) {
      return callback;
    }
    if (callback instanceof Confined.Handler) {
      return callback;
    }
    if (!Born.isBorn(FirstCaller.outsideTheJdk())) {
      return callback;
    }
    if (callback instanceof java.lang.reflect.InvocationHandler handler) {
      return new Confined.Handler(handler, frame.context);
    }
    if (callback instanceof java.lang.invoke.MethodHandle target) {
      return Confined.handle(target, frame.context);
    }
    return callback;
  }

  /** Callbacks that run in the context of the born code that made them. */
  private static final class Confined {
    private static final java.lang.invoke.MethodHandle RUN_IN;

    static {
      try {
        RUN_IN =
            java.lang.invoke.MethodHandles.lookup()
                .findStatic(
                    Confined.class,
                    "runIn",
                    java.lang.invoke.MethodType.methodType(
                        Object.class,
                        Object.class,
                        java.lang.invoke.MethodHandle.class,
                        Object[].class));
      } catch (ReflectiveOperationException impossible) {
        throw new ExceptionInInitializerError(impossible);
      }
    }

    private Confined() {}

    /** {@return {@code target}, run in {@code context}, of the same type} */
    static java.lang.invoke.MethodHandle handle(
        java.lang.invoke.MethodHandle target, Object context) {
      return java.lang.invoke.MethodHandles.insertArguments(RUN_IN, 0, context, target)
          .asCollector(Object[].class, target.type().parameterCount())
          .asType(target.type());
    }

    @SuppressWarnings("unused") // called through RUN_IN
    private static Object runIn(Object context, java.lang.invoke.MethodHandle target, Object[] in)
        throws Throwable {
      Frame runner = ToolFrames.runIn(context);
      try {
        return target.invokeWithArguments(in);
      } finally {
        CURRENT.set(runner);
      }
    }

    /** A proxy's handler, run in the context of the born code that made the proxy. */
    static final class Handler implements java.lang.reflect.InvocationHandler {
      private final java.lang.reflect.InvocationHandler handler;
      private final Object context;

      Handler(java.lang.reflect.InvocationHandler handler, Object context) {
        this.handler = handler;
        this.context = context;
      }

      @Override
      public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] arguments)
          throws Throwable {
        Frame runner = ToolFrames.runIn(context);
        try {
          return handler.invoke(proxy, method, arguments);
        } finally {
          CURRENT.set(runner);
        }
      }
    }
  }

  /** The JDK's flag for a hidden class, in what {@link #defineClass} is given. */
  private static final int HIDDEN_CLASS = 2;

  /** Loaded only when a class is defined inside a tool: finds whose code asked the JDK. */
  private static final class FirstCaller {
    private static final StackWalker WALKER =
        StackWalker.getInstance(
            java.util.Set.of(
                StackWalker.Option.RETAIN_CLASS_REFERENCE,
                StackWalker.Option.SHOW_HIDDEN_FRAMES,
                StackWalker.Option.SHOW_REFLECT_FRAMES));

    private FirstCaller() {}

    /**
     * {@return the class of the innermost frame that is neither the JDK's (bootstrap or platform
     * loader) nor the agent's (its jar), or {@code null}}
     */
    static Class<?> outsideTheJdk() {
      return WALKER.walk(new First());
    }

    /** Not a lambda: a lambda here would be defined through the very entry that asked. */
    private static final class First
        implements java.util.function.Function<
            java.util.stream.Stream<StackWalker.StackFrame>, Class<?>> {
      @Override
      public Class<?> apply(java.util.stream.Stream<StackWalker.StackFrame> frames) {
        for (java.util.Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
          Class<?> type = it.next().getDeclaringClass();
          if (notTheJdks(type)) {
            return type;
          }
        }
        return null;
      }
    }

    /**
     * The agent's classes are told by their jar's protection domain, which its loader shares among
     * them alone: that loader is the application's class loader, whose classes are not the agent's.
     */
    private static boolean notTheJdks(Class<?> type) {
      ClassLoader loader = type.getClassLoader();
      Hooks agent = hooks;
      return loader != null
          && loader != ClassLoader.getPlatformClassLoader()
          && (agent == null
              || loader != agent.getClass().getClassLoader()
              || type.getProtectionDomain() != agent.getClass().getProtectionDomain());
    }
  }

  /**
   * Refuses, before anything is marked, a value of a class that is not the JDK's. A check calls
   * methods of what it is given (a {@code Path}'s {@code toAbsolutePath}, a set's {@code contains},
   * a list's {@code get}); on a tool's own class those would run the tool's code while the thread
   * is checking, and so unchecked, and could answer the check one thing and the JDK's use another.
   * A class the bootstrap or platform loader defined is the JDK's own, which no tool can subclass
   * into either loader.
   *
   * @throws SecurityException if {@code value} is of a class of the application's
   */
  private static void refuseForeign(Object value, String what) {
    if (value == null) {
      return;
    }
    ClassLoader loader = value.getClass().getClassLoader();
    if (loader != null
        && loader != ClassLoader.getPlatformClassLoader()
        && !jdkClassesForTests.contains(value.getClass())) {
      throw new SecurityException(
          "toolguard checks only the JDK's own objects, and this "
              + what
              + " is a "
              + value.getClass().getName()
              + ": hand the JDK a java.nio.file.Path of the default file system, a String, a"
              + " java.io.File, and the JDK's own collections");
    }
  }

  /**
   * {@return what a check throws when deciding failed: a denial as it is, anything else as a denial
   * that says so}
   */
  private static SecurityException denial(Throwable failure) {
    return failure instanceof SecurityException denied
        ? denied
        : new SecurityException(
            "toolguard could not check this access, so it was denied (" + failure + ")");
  }
}
