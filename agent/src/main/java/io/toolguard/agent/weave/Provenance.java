package io.toolguard.agent.weave;

import static io.toolguard.agent.weave.Provenance.Purpose.CLOSED_TO_REFLECTION;
import static io.toolguard.agent.weave.Provenance.Purpose.DECIDES_ACCESS;
import static io.toolguard.agent.weave.Provenance.Purpose.DECLARES_NO_TOOLS;
import static io.toolguard.agent.weave.Provenance.Purpose.FILES_ON_ITS_OWN_BEHALF;
import static io.toolguard.agent.weave.Provenance.Purpose.FORWARDS_CALLS;
import static io.toolguard.agent.weave.Provenance.Purpose.FORWARDS_ENV_READS;
import static io.toolguard.agent.weave.Provenance.Purpose.FORWARDS_THREAD_STARTS;
import static io.toolguard.agent.weave.Provenance.Purpose.INITIALISES_THE_JVM;
import static io.toolguard.agent.weave.Provenance.Purpose.NOT_WOVEN;
import static io.toolguard.agent.weave.Provenance.Purpose.STARTS_A_THREAD;
import static io.toolguard.agent.weave.Provenance.Purpose.STARTS_THREADS_FOR_ITS_CREATOR;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whose code is this: the one table of which classes are the JDK's, toolguard's own, or a known
 * library's acting on its own behalf, and what each answer is for. Every check that asks who a
 * class or a caller is asks here; none keeps a list of its own.
 *
 * <p>A row reads as a sentence: {@code jdk(exactly("java.lang.Boolean"), FORWARDS_ENV_READS)} says
 * that the JDK's {@code Boolean} only hands a read of a setting on ({@code Boolean.getBoolean}). A
 * row says what classes are for one {@link Purpose}, never what they may do: the check that asks
 * decides that, and looks past the frames that only forward a tool's call to the code that made it.
 * Where two checks draw their lines differently, each has rows of its own.
 */
public final class Provenance {

  /** What an answer is for; each row names the purposes it answers. */
  public enum Purpose {
    /** Tool weaving leaves the class alone ({@code ToolInstrumentation}). */
    NOT_WOVEN,
    /**
     * A tool may not open the class by reflection, which would let it switch toolguard off ({@code
     * JvmGuard}).
     */
    CLOSED_TO_REFLECTION,
    /**
     * No type declares tools, so the tool-class prefilter never reads one as a super type ({@code
     * ToolClassFilter}).
     */
    DECLARES_NO_TOOLS,
    /**
     * Only hands a read of a variable or property on: the environment check looks past it for the
     * code that asked, and the read is the JDK's own if that code is the JDK's ({@code EnvGuard}).
     */
    FORWARDS_ENV_READS,
    /**
     * Only passes a call on to code it was handed, and so never decides what is called or with
     * what: reflection and method handles. A look at the stack for whose code asked looks past it,
     * as it does past the classes the JVM spins for lambdas and method references (hidden classes,
     * which stand for the code that made them: their host, whose package and loader they share) and
     * for proxies; a frame of such code, or of a tool, reached through them is the asker ({@code
     * EnvGuard}, {@code ThreadStarts}, {@code OwnBehalfCallers}).
     */
    FORWARDS_CALLS,
    /** The class whose start of a thread is being decided ({@code ThreadStarts}). */
    STARTS_A_THREAD,
    /**
     * Only carries a thread start out: the thread-start check looks past it for who started the
     * thread.
     */
    FORWARDS_THREAD_STARTS,
    /**
     * JDK code whose threads work for whoever created it, so they inherit the creator's tool
     * context.
     */
    STARTS_THREADS_FOR_ITS_CREATOR,
    /**
     * Reads or writes files of its own (its class path, its log file), never a path a tool hands in
     * ({@code OwnBehalfCallers}).
     */
    FILES_ON_ITS_OWN_BEHALF,
    /**
     * toolguard's own code deciding an access: a look at the stack for the code that made the
     * access starts past it ({@code JdkInitialisation}).
     */
    DECIDES_ACCESS,
    /**
     * A JDK method that sets up JVM-wide state once, outside a class initialiser, from the JDK's
     * own configuration, and takes nothing from its caller that decides what it reads: what it does
     * is the JVM's initialisation, as a class initialiser's is ({@code JdkInitialisation}).
     */
    INITIALISES_THE_JVM
  }

  /**
   * The application's Logback package, built at run time: the agent jar relocates its own copy of
   * Logback, and the shade plugin would rewrite a literal of this name along with it.
   */
  private static final String LOGBACK = String.join(".", "ch", "qos", "logback", "");

  private static final String LOG4J = "org.apache.logging.log4j.";

  private static final List<Row> ROWS =
      List.of(
          // toolguard's own code, which stands between a tool and the JDK only to check the tool's
          // call
          toolguards(
              under("io.toolguard.agent."),
              NOT_WOVEN,
              CLOSED_TO_REFLECTION,
              FORWARDS_ENV_READS,
              DECIDES_ACCESS),
          toolguards(
              under("io.toolguard.bootstrap."),
              NOT_WOVEN,
              CLOSED_TO_REFLECTION,
              FORWARDS_ENV_READS,
              DECIDES_ACCESS),
          // the libraries toolguard carries, relocated (Byte Buddy, SnakeYAML, SLF4J, Logback); the
          // environment check takes them, as it does every library, for the code that asked
          toolguards(
              under("io.toolguard.shaded."), NOT_WOVEN, CLOSED_TO_REFLECTION, DECIDES_ACCESS),

          // the JDK's packages
          jdk(under("java."), DECLARES_NO_TOOLS),
          jdk(under("javax."), DECLARES_NO_TOOLS),
          jdk(under("jdk."), DECLARES_NO_TOOLS),
          jdk(under("sun."), DECLARES_NO_TOOLS),
          jdk(under("com.sun."), DECLARES_NO_TOOLS),

          // the JDK methods that hand a setting back to whoever asked: getenv and getProperty,
          // Boolean.getBoolean, Integer.getInteger, Long.getLong and ProcessBuilder.environment
          jdk(exactly("java.lang.System"), FORWARDS_ENV_READS),
          jdk(exactly("java.lang.Boolean"), FORWARDS_ENV_READS),
          jdk(exactly("java.lang.Integer"), FORWARDS_ENV_READS),
          jdk(exactly("java.lang.Long"), FORWARDS_ENV_READS),
          jdk(exactly("java.lang.ProcessBuilder"), FORWARDS_ENV_READS),

          // reflection and method handles, which call what they were handed (Method.invoke and its
          // accessors, Constructor.newInstance, MethodHandle.invokeWithArguments, the lambda forms
          // behind every method handle, MethodHandleProxies' handler)
          jdk(under("java.lang.invoke."), FORWARDS_CALLS),
          jdk(under("jdk.internal.reflect."), FORWARDS_CALLS),
          jdk(exactly("java.lang.reflect.Method"), FORWARDS_CALLS),
          jdk(exactly("java.lang.reflect.Constructor"), FORWARDS_CALLS),

          // a thread's start, and the JDK code that only carries it out
          jdk(exactly("java.lang.Thread"), STARTS_A_THREAD, FORWARDS_THREAD_STARTS),
          jdk(exactly("java.lang.VirtualThread"), STARTS_A_THREAD, FORWARDS_THREAD_STARTS),
          jdk(startingWith("java.lang.ThreadBuilders"), FORWARDS_THREAD_STARTS),
          jdk(under("jdk.internal.vm."), FORWARDS_THREAD_STARTS),
          jdk(exactly("java.lang.System$2"), FORWARDS_THREAD_STARTS),
          // a Timer's thread runs the tasks of whoever created the Timer (other JDK threads are
          // pool workers)
          jdk(startingWith("java.util.Timer"), STARTS_THREADS_FOR_ITS_CREATOR),

          // the JDK reading its class path, services, resource bundles and logging set-up, and
          // rotating its log
          jdk(under("jdk.internal.loader."), FILES_ON_ITS_OWN_BEHALF),
          jdk(withNested("java.lang.ClassLoader"), FILES_ON_ITS_OWN_BEHALF),
          jdk(withNested("java.net.URLClassLoader"), FILES_ON_ITS_OWN_BEHALF),
          jdk(withNested("java.util.ServiceLoader"), FILES_ON_ITS_OWN_BEHALF),
          jdk(withNested("java.util.ResourceBundle"), FILES_ON_ITS_OWN_BEHALF),
          jdk(withNested("java.util.logging.LogManager"), FILES_ON_ITS_OWN_BEHALF),
          jdk(withNested("java.util.logging.FileHandler").in("rotate"), FILES_ON_ITS_OWN_BEHALF),
          // the JDK's name service reading the hosts file -Djdk.net.hosts.file names (JDK 17's
          // class, then JDK 18 and later's), a start-up setting no tool can change
          jdk(exactly("java.net.InetAddress$HostsFileNameService"), FILES_ON_ITS_OWN_BEHALF),
          jdk(exactly("java.net.InetAddress$HostsFileResolver"), FILES_ON_ITS_OWN_BEHALF),
          // the JDK reading the operating system's description of the JVM's container (cgroup files
          // under /proc and /sys/fs/cgroup, found from /proc/self/mountinfo) for its management
          // beans
          jdk(under("jdk.internal.platform."), FILES_ON_ITS_OWN_BEHALF),
          // the JDK setting up JVM-wide state once, lazily, from its own configuration: each row
          // reads only what the JDK's installation, the JVM's system properties or the operating
          // system name (paths a tool cannot change: setting a property is a denied JVM action),
          // and sits in a package the JDK does not export, so no tool can call it with arguments of
          // its own
          // - Files.probeContentType's default detector reading ~/.mime.types and
          //   /etc/mime.types once
          jdk(
              exactly("sun.nio.fs.MimeTypesFileTypeDetector").in("loadMimeTypes"),
              INITIALISES_THE_JVM),
          // - the JVM's one flight recorder, created on first use (not started): its
          //   repository folder under java.io.tmpdir, its shutdown hook
          jdk(exactly("jdk.jfr.internal.PlatformRecorder").in("<init>"), INITIALISES_THE_JVM),
          // - the JVM's one font manager, created on first use of a font: the font configuration
          //   (java.home, fontconfig) and its cache under user.home/.java/fonts
          jdk(exactly("sun.font.FontManagerFactory").in("getInstance"), INITIALISES_THE_JVM),
          //   and its one scan of the platform's font folders (fontconfig's, and the JDK's list)
          jdk(exactly("sun.font.SunFontManager").in("loadFonts"), INITIALISES_THE_JVM),
          jdk(exactly("sun.font.SunFontManager").in("loadFontFiles"), INITIALISES_THE_JVM),
          // - the preferences' user and system roots, set up on first use: their folders under
          //   user.home (or java.util.prefs.userRoot) and /etc/.java (or
          //   java.util.prefs.systemRoot)
          jdk(
              exactly("java.util.prefs.FileSystemPreferences").in("setupUserRoot"),
              INITIALISES_THE_JVM),
          jdk(
              exactly("java.util.prefs.FileSystemPreferences").in("setupSystemRoot"),
              INITIALISES_THE_JVM),
          // - the JVM's one LogManager, set up on first use: it reads the logging configuration
          //   of java.home (or java.util.logging.config.file), resetting what was there
          jdk(
              exactly("java.util.logging.LogManager").in("ensureLogManagerInitialized"),
              INITIALISES_THE_JVM),

          // logging libraries writing and rolling over the log files they were configured with
          library(
              LOGBACK,
              withNested(LOGBACK + "core.rolling.RollingFileAppender").in("rollover"),
              FILES_ON_ITS_OWN_BEHALF),
          library(
              LOGBACK,
              withNested(LOGBACK + "core.rolling.RollingFileAppender").in("subAppend"),
              FILES_ON_ITS_OWN_BEHALF),
          library(
              LOGBACK,
              withNested(LOGBACK + "core.FileAppender").in("subAppend"),
              FILES_ON_ITS_OWN_BEHALF),
          library(
              LOG4J,
              withNested(LOG4J + "core.appender.rolling.RollingFileManager").in("rollover"),
              FILES_ON_ITS_OWN_BEHALF));

  private static final Map<Purpose, Row[]> BY_PURPOSE = byPurpose();
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  /**
   * The JDK's modules that its application class loader defines (JDK 17 to 25: the JDK's own map of
   * modules to loaders, read with {@code --add-modules ALL-SYSTEM}). Their location in the run-time
   * image does not tell them alone: an application linked into a run-time image with {@code jlink}
   * has its own modules there too, defined by the same loader.
   */
  private static final Set<String> APPLICATION_LOADERS_JDK_MODULES =
      Set.of(
          "jdk.attach",
          "jdk.compiler",
          "jdk.crypto.ec",
          "jdk.editpad",
          "jdk.hotspot.agent",
          "jdk.internal.ed",
          "jdk.internal.jvmstat",
          "jdk.internal.le",
          "jdk.internal.md",
          "jdk.internal.opt",
          "jdk.jartool",
          "jdk.javadoc",
          "jdk.jcmd",
          "jdk.jconsole",
          "jdk.jdeps",
          "jdk.jdi",
          "jdk.jdwp.agent",
          "jdk.jlink",
          "jdk.jpackage",
          "jdk.jshell",
          "jdk.jstatd",
          "jdk.random",
          "jdk.unsupported.desktop");

  private Provenance() {}

  /**
   * {@return whether the class is the JDK's own code}: defined by the boot or platform loader in a
   * named module of the boot layer, or by the application loader in one of the JDK's modules of its
   * run-time image. Leaves out what the JDK defines for others at run time in dynamic modules
   * (proxies of interfaces, with a tool's handler or method handle behind them) and classes another
   * agent appends to the boot class path (unnamed).
   */
  public static boolean isJdkCode(Class<?> type) {
    return isJdkCode(type.getClassLoader(), type.getModule());
  }

  /**
   * {@return whether a class of this loader and module is the JDK's own code}, as {@link
   * #isJdkCode(Class)} tells it: for a module a class not loaded yet would be defined in
   */
  public static boolean isJdkCode(ClassLoader loader, Module module) {
    if (!module.isNamed()) {
      // what no JDK loader defines in a module: toolguard's own bootstrap classes among it
      return false;
    }
    // The bootstrap and platform loaders' named modules are the JDK's, which application code
    // cannot define, but for the dynamic modules the JDK spins outside the boot layer.
    return loader == null || loader == PLATFORM
        ? module.getLayer() == ModuleLayer.boot()
        : loader == ClassLoader.getSystemClassLoader() && isApplicationLoadersJdkModule(module);
  }

  /**
   * {@return whether the module is one of the JDK's that its application class loader defines}: one
   * of {@link #APPLICATION_LOADERS_JDK_MODULES}, from the run-time image. Its location alone does
   * not tell: an application linked into a run-time image with {@code jlink} has its own modules
   * there too, defined by the same loader.
   */
  static boolean isApplicationLoadersJdkModule(Module module) {
    // Named first: Set.of answers no question about null.
    return isRuntimeImageModule(module)
        && APPLICATION_LOADERS_JDK_MODULES.contains(module.getName());
  }

  /**
   * {@return whether the module is one of the JDK's from its run-time image}: how the JDK's few
   * modules the application class loader defines ({@code jdk.attach}, whose initialiser loads its
   * native library) are told from an application's own named module on the module path, which the
   * same loader defines in the same boot layer (but not from an application's own module linked
   * into the run-time image with {@code jlink}: see {@link #isApplicationLoadersJdkModule}).
   */
  public static boolean isRuntimeImageModule(Module module) {
    if (!module.isNamed() || module.getLayer() != ModuleLayer.boot()) {
      return false;
    }
    // Without Optional's lambdas: this runs while the JDK is woven at start-up.
    java.util.Optional<java.lang.module.ResolvedModule> resolved =
        ModuleLayer.boot().configuration().findModule(module.getName());
    if (resolved.isEmpty()) {
      return false;
    }
    java.util.Optional<java.net.URI> location = resolved.get().reference().location();
    return location.isPresent() && "jrt".equals(location.get().getScheme());
  }

  /**
   * {@return whether a frame of the class only forwards a call to code further out}: a class of
   * {@link Purpose#FORWARDS_CALLS}, or a hidden class of the JDK's (a lambda form, a JDK lambda or
   * method reference). A hidden class of anyone else's stands for its maker, and is not a
   * forwarder.
   */
  public static boolean forwardsCalls(Class<?> type) {
    return isJdkCode(type) && (type.isHidden() || matches(Purpose.FORWARDS_CALLS, type.getName()));
  }

  /**
   * {@return whether a row for the purpose names the class (binary name, as {@code
   * java.lang.Thread$1})}
   */
  public static boolean matches(Purpose purpose, String className) {
    for (Row row : BY_PURPOSE.get(purpose)) {
      if (row.classes().matches(className)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether a row for the purpose names the class (internal name, as {@code
   * java/lang/Thread$1})}
   */
  public static boolean matchesInternalName(Purpose purpose, String internalName) {
    for (Row row : BY_PURPOSE.get(purpose)) {
      if (row.classes().matchesInternalName(internalName)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether a row for the purpose names the method of the class}
   *
   * @param library a known library's package (see {@link #libraryOf}) to ask only its own rows;
   *     {@code null} to ask every row
   */
  public static boolean matches(Purpose purpose, String className, String method, String library) {
    for (Row row : BY_PURPOSE.get(purpose)) {
      if (row.classes().matches(className)
          && row.classes().matchesMethod(method)
          && (library == null || library.equals(row.library()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return the package of the known library that has rows for the purpose and holds the class, or
   * {@code null} if none does}
   */
  public static String libraryOf(Purpose purpose, String className) {
    for (Row row : BY_PURPOSE.get(purpose)) {
      if (row.library() != null && className.startsWith(row.library())) {
        return row.library();
      }
    }
    return null;
  }

  /** {@return every row, in the table's order} */
  static List<Row> rows() {
    return ROWS;
  }

  private static Map<Purpose, Row[]> byPurpose() {
    Map<Purpose, Row[]> byPurpose = new EnumMap<>(Purpose.class);
    for (Purpose purpose : Purpose.values()) {
      List<Row> rows = new ArrayList<>();
      for (Row row : ROWS) {
        if (row.purposes().contains(purpose)) {
          rows.add(row);
        }
      }
      byPurpose.put(purpose, rows.toArray(new Row[0]));
    }
    return byPurpose;
  }

  /** Who a row's classes belong to. */
  enum Owner {
    JDK,
    TOOLGUARD,
    LIBRARY
  }

  /**
   * One row: whose the classes are, which classes, and what they are for.
   *
   * @param library the package of the library the classes belong to; {@code null} unless the owner
   *     is {@link Owner#LIBRARY}
   */
  record Row(Owner owner, String library, Classes classes, Set<Purpose> purposes) {}

  /** How a row names its classes. */
  enum Form {
    /** Every class in the package and in the packages under it. */
    PACKAGE,
    /** Every class whose name starts so. */
    PREFIX,
    /** The class and the classes nested in it. */
    CLASS_AND_NESTED,
    /** The class alone. */
    CLASS
  }

  /**
   * The classes a row names, and, for a row about what code does, its method.
   *
   * @param name a binary name (as {@code java.lang.Thread$1}), or a package ending in {@code .}
   * @param internalName the same name with {@code /} for {@code .}, for the checks that see class
   *     files
   * @param method the method, or {@code null} for any
   */
  record Classes(Form form, String name, String internalName, String method) {

    Classes {
      if (form == Form.PACKAGE && !name.endsWith(".")) {
        throw new IllegalArgumentException("a package ends in '.': " + name);
      }
    }

    Classes(Form form, String name) {
      this(form, name, name.replace('.', '/'), null);
    }

    /** {@return the same classes, only their method} */
    Classes in(String onlyMethod) {
      return new Classes(form, name, internalName, onlyMethod);
    }

    boolean matches(String className) {
      return matches(className, name);
    }

    boolean matchesInternalName(String candidate) {
      return matches(candidate, internalName);
    }

    boolean matchesMethod(String candidate) {
      return method == null || method.equals(candidate);
    }

    private boolean matches(String candidate, String own) {
      return switch (form) {
        case PACKAGE, PREFIX -> candidate.startsWith(own);
        case CLASS_AND_NESTED ->
            candidate.startsWith(own)
                && (candidate.length() == own.length() || candidate.charAt(own.length()) == '$');
        case CLASS -> candidate.equals(own);
      };
    }
  }

  private static Row jdk(Classes classes, Purpose... purposes) {
    return new Row(Owner.JDK, null, classes, EnumSet.of(purposes[0], purposes));
  }

  private static Row toolguards(Classes classes, Purpose... purposes) {
    return new Row(Owner.TOOLGUARD, null, classes, EnumSet.of(purposes[0], purposes));
  }

  private static Row library(String library, Classes classes, Purpose... purposes) {
    return new Row(Owner.LIBRARY, library, classes, EnumSet.of(purposes[0], purposes));
  }

  private static Classes under(String packageName) {
    return new Classes(Form.PACKAGE, packageName);
  }

  private static Classes startingWith(String prefix) {
    return new Classes(Form.PREFIX, prefix);
  }

  private static Classes withNested(String className) {
    return new Classes(Form.CLASS_AND_NESTED, className);
  }

  private static Classes exactly(String className) {
    return new Classes(Form.CLASS, className);
  }
}
