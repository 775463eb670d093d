package io.toolguard.agent.weave;

import io.toolguard.agent.annotation.SuppressForbidden;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Weaves {@link Hook}s into the JDK with plain ASM (start-up matters: this runs before the
 * application's {@code main}): classes of the bootstrap and platform loaders only. Every class it
 * weaves is loaded and woven before any tool runs (by this transformer as it loads), retransformed
 * if it was loaded already, and the start fails, or every tool call is refused, if any class or
 * required method could not be woven, so no tool ever runs with the checks half in place.
 *
 * <p>Why load them all, when weaving each as the JDK first loads it would be cheaper: the JVM does
 * not hand a class to an agent's transformers while one of that agent's transformers is running on
 * the same thread. A hooked class first loaded while toolguard weaves a tool class (reading a super
 * class's class file) would be defined unwoven, and stay so; measured: {@code URLClassLoader}, in
 * {@code FileConfinementIT}. Nor does the JVM hand it over when the stack runs out on the way: a
 * tool that exhausts its stack on purpose, then makes the JDK load a hooked class, got {@code
 * LogManager} defined unwoven, when it was the one class woven as it loaded. Loading a class does
 * not initialise it, so loading {@code LogManager} early changes nothing for servers that install
 * their own log manager in {@code main}.
 *
 * <p>When they are woven. At a first start, the classes loaded before {@code premain} are
 * retransformed, and the rest loaded, before {@code main}. At a later start, where the file beside
 * the jar holds them as woven from this JDK ({@link WovenJdkCache}), both are left for {@link
 * Rest}: those not loaded yet are loaded, and every hooked class the JVM defined unwoven (those
 * loaded before {@code premain} among them) retransformed, on toolguard's thread once the
 * application loads its first class with tools, and every tool call waits for that. Until then only
 * the application's own code runs, which nothing checks. Where the guards are installed beside
 * {@code main}, the transformer is in place before {@code main} ({@link #early}) but weaves nothing
 * until its hook tables are built after it: what {@code main} loads meanwhile is retransformed with
 * the rest. A class with a hook inside a loop that may never return ({@link #LOOP_CLASSES}: {@code
 * TimerThread}) is never defined unwoven once {@code main} may run: a frame of it running unwoven
 * would stay so. It is woven before {@code main}, or, beside {@code main}, a thread that loads it
 * waits for the hook tables.
 *
 * <p>Should a class fail to weave after the start (another agent retransforms it with bytes the
 * hooks no longer fit), it is refused instead: the JVM then cannot define it, and what needs it
 * fails rather than runs unchecked.
 */
public final class JdkWeaver implements ClassFileTransformer {

  /**
   * The JDK's modules are defined by the bootstrap loader ({@code java.base}) or the platform
   * loader ({@code java.net.http}); a class of the application's with a JDK class's name is never
   * woven.
   */
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  /** A class of the bridge in the bootstrap loader: woven code calls into its module. */
  private static final String BRIDGE = "io.toolguard.bootstrap.Dispatcher";

  /**
   * A class file no JVM defines: what a hooked class becomes if it cannot be woven as it loads, so
   * that it never runs unchecked.
   */
  private static final byte[] REFUSED = new byte[] {0};

  /** What a failure before {@code main} leads to. */
  private static final String NOT_STARTED = "so the JVM is not started";

  /** What a failure of the {@link Rest} leads to. */
  private static final String NO_TOOL_RUNS = "so every tool call is refused";

  /**
   * Classes with a hook around calls inside a loop that may never return ({@link #insideLoop}): a
   * frame of one the JVM ran unwoven would stay so past any retransform. Named here, before the
   * hook tables are built, because a transformer installed {@link #early} makes a thread that loads
   * one wait for them; {@link #install} fails if a hook table has such a hook in another class.
   */
  static final Set<String> LOOP_CLASSES = Set.of("java/util/TimerThread");

  /**
   * The hooks by internal class name: null, for a transformer installed {@link #early}, until
   * {@link #installEarly} has the modules read the bridge and publishes them.
   */
  private volatile Map<String, List<Hook>> hooks;

  /** The classes as woven at an earlier start, used at start-up only; set before {@link #hooks}. */
  private volatile WovenJdkCache cache;

  /**
   * For a transformer installed {@link #early}, the thread that will publish the hooks, else null.
   */
  private final Thread publisher;

  /** What a thread that waits for the hooks waits on. */
  private final Object published = new Object();

  /** Guarded by {@link #published}: whether no thread waits for the hooks any longer. */
  private boolean released;

  /**
   * Guarded by {@link #published}: whether {@code premain} is over ({@link #premainOver}). Until
   * then a class of {@link #LOOP_CLASSES} is not held back, but noted.
   */
  private boolean premainOver;

  /**
   * Guarded by {@link #published}: whether a class of {@link #LOOP_CLASSES} was defined unwoven
   * before {@code main} may run, before the transformer was in place (an AOT cache's class, another
   * agent's timer) or after. {@code main} then waits for the weaving, which retransforms it.
   */
  private boolean loopClassUnwoven;

  private final Set<String> woven = ConcurrentHashMap.newKeySet();

  /**
   * The hooked classes this transformer was handed, woven or not: one it was not handed at start-up
   * was defined before it was in place, and is retransformed.
   */
  private final Set<String> asked = ConcurrentHashMap.newKeySet();

  private final List<String> failures = new CopyOnWriteArrayList<>();

  /** Whether start-up is over: a failure then refuses the class instead of stopping the start. */
  private volatile boolean started;

  private JdkWeaver(Map<String, List<Hook>> hooks, WovenJdkCache cache, Thread publisher) {
    this.hooks = hooks;
    this.cache = cache;
    this.publisher = publisher;
  }

  /**
   * At JVM start, where the guards are installed beside {@code main}: installs the transformer now,
   * before its hook tables are built, so that no class of {@link #LOOP_CLASSES} runs unwoven in
   * {@code main}. Until this thread calls {@link #installEarly}, every other class is left as it is
   * (the JVM defines it unwoven, and {@code installEarly} or the {@link Rest} retransforms it
   * before any tool runs). A class of {@code LOOP_CLASSES} loaded before {@link #premainOver}, or
   * before this, is noted, and {@code premain} then waits for the weaving; one loaded after waits
   * for the hooks.
   */
  public static JdkWeaver early(Instrumentation instrumentation) {
    JdkWeaver transformer = new JdkWeaver(null, WovenJdkCache.NONE, Thread.currentThread());
    instrumentation.addTransformer(transformer, true);
    // Taken after the transformer is in place: one loaded later is held back or noted.
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getClassLoader() == null
          && type.getName().startsWith("java.util.")
          && LOOP_CLASSES.contains(type.getName().replace('.', '/'))) {
        synchronized (transformer.published) {
          transformer.loopClassUnwoven = true;
        }
      }
    }
    return transformer;
  }

  /**
   * {@link #install} for a transformer installed {@link #early}, on the thread that installed it; a
   * failure refuses every tool call rather than the start, as {@code main} may be running.
   */
  @SafeVarargs
  public final Rest installEarly(
      Instrumentation instrumentation, WovenJdkCache cache, Map<String, List<Hook>>... parts) {
    Rest rest = Rest.NONE;
    try {
      rest = complete(instrumentation, cache, merged(parts));
      return rest;
    } finally {
      releaseLoopClasses();
      if (rest == Rest.NONE) {
        cache.release();
      }
    }
  }

  /**
   * {@code premain} is about to return: from now on a thread that loads a class of {@link
   * #LOOP_CLASSES} waits for the hooks.
   *
   * @return whether such a class was defined unwoven before, so that {@code main} must wait for the
   *     weaving, which retransforms it: a timer started before that would run its tasks in a loop
   *     no retransform reaches
   */
  public boolean premainOver() {
    synchronized (published) {
      premainOver = true;
      return loopClassUnwoven;
    }
  }

  /**
   * The hook tables could not be built, or {@link #installEarly} is over: a thread waiting for the
   * hooks stops waiting (and, if they never came, its class is defined unwoven; every tool call is
   * refused then, as the weaving failed).
   */
  public void releaseLoopClasses() {
    synchronized (published) {
      released = true;
      published.notifyAll();
    }
  }

  /**
   * {@return the hooks, or null if not published yet}: a class of {@link #LOOP_CLASSES} the
   * bootstrap loader defines waits for them meanwhile (unless its thread is the one to publish
   * them, or that thread is gone); any other class does not
   */
  private Map<String, List<Hook>> hooksFor(ClassLoader loader, String internalName) {
    Map<String, List<Hook>> known = hooks;
    if (known != null
        || loader != null
        || internalName == null
        || !LOOP_CLASSES.contains(internalName)) {
      return known;
    }
    Thread coming = publisher;
    if (coming == null || coming == Thread.currentThread()) {
      return hooks;
    }
    boolean interrupted = false;
    synchronized (published) {
      if (!premainOver) {
        // Before main may run, nothing waits (premain's own thread, or another agent's, could then
        // wait for a weaving that waits for premain): the class is defined unwoven, and premain
        // waits for the weaving, which retransforms it, before main runs.
        loopClassUnwoven = true;
        return hooks;
      }
      while (hooks == null && !released && coming.isAlive()) {
        try {
          published.wait(100);
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
   * Weaves the hooks of each part (hooks by internal class name; parts may hook the same class):
   * every hooked class loaded so far, and every one the JVM loads from now on. Of the hooked
   * classes not loaded yet, those {@code cache} holds as woven at an earlier start from this JDK
   * are left for {@link Rest#weave}; all others are loaded now.
   *
   * @param cache the classes as woven at an earlier start, used where nothing they depend on
   *     changed, and kept for the next start ({@link WovenJdkCache#NONE} for none)
   * @return what is left to load and weave, which no tool may run before ({@link Rest#NONE} for
   *     nothing)
   * @throws IllegalStateException naming what could not be woven
   */
  @SafeVarargs
  public static Rest install(
      Instrumentation instrumentation, WovenJdkCache cache, Map<String, List<Hook>>... parts) {
    JdkWeaver transformer = new JdkWeaver(null, WovenJdkCache.NONE, null);
    Rest rest = Rest.NONE;
    try {
      rest = transformer.complete(instrumentation, cache, merged(parts));
      return rest;
    } finally {
      if (rest == Rest.NONE) {
        cache.release();
      }
    }
  }

  /**
   * The hooked classes left when {@code main} was let run, which an earlier start wove from this
   * JDK: those no code had loaded, loaded, and those loaded before {@code premain}, retransformed,
   * by {@link #weave} on toolguard's thread while {@code main} runs; no tool runs before that is
   * done.
   *
   * <p>Why that is as safe as weaving them before {@code main}. Each one the JVM loads from now on
   * is handed to this transformer and woven as it is defined. The JVM skips the transformer for a
   * class it loads while one of toolguard's transformers runs on the same thread (a tool class
   * being woven), or with the stack exhausted; such a class is defined unwoven, and {@link #weave}
   * retransforms it, with those loaded before {@code premain}, before any tool runs. Until then
   * only the application's own code runs, which nothing checks: every hook checks or hands on what
   * a call made inside a tool does, and none is made before. A frame that entered a method unwoven
   * runs on unwoven after the retransform until it returns; each hook at a method's start or end
   * covers only that call, made outside any tool, and a class with a hook around calls inside a
   * loop that may never return, which would cover the tools' work that loop runs later ({@code
   * TimerThread}), is never left.
   */
  public static final class Rest implements Runnable {

    /** Nothing left. */
    public static final Rest NONE = new Rest(null, null, Map.of(), Map.of());

    private final JdkWeaver weaver;
    private final Instrumentation instrumentation;

    /** The classes left, by internal name, with their modules. */
    private final Map<String, Module> classes;

    /** The module of every hooked class, by internal name. */
    private final Map<String, Module> modules;

    private Rest(
        JdkWeaver weaver,
        Instrumentation instrumentation,
        Map<String, Module> classes,
        Map<String, Module> modules) {
      this.weaver = weaver;
      this.instrumentation = instrumentation;
      this.classes = classes;
      this.modules = modules;
    }

    /**
     * Loads and weaves the classes left, retransforms any hooked class the JVM defined unwoven, and
     * keeps the woven classes for the next start.
     *
     * @throws IllegalStateException naming what could not be woven: no tool may run then
     */
    public void weave() {
      if (weaver != null) {
        weaver.weaveRest(instrumentation, classes, modules);
      }
    }

    /** {@link #weave}. */
    @Override
    public void run() {
      weave();
    }

    /**
     * {@code premain} is over: keeps the classes woven afresh so far for the next start (a hooked
     * class {@code premain} loads itself may come in another form than at the start that kept it),
     * with those left as the file held them, since the application may never get to them.
     */
    public void premainDone() {
      if (weaver != null) {
        weaver.cache.premainDone();
      }
    }
  }

  /**
   * Has the modules read the bridge, publishes {@code merged} and, unless installed {@link #early},
   * installs the transformer; then weaves what must be woven now, and returns what is left.
   */
  private Rest complete(
      Instrumentation instrumentation, WovenJdkCache kept, Map<String, List<Hook>> merged) {
    String consequence = publisher != null ? NO_TOOL_RUNS : NOT_STARTED;
    boolean mayLeave = noSecurityManagerAhead();
    Module bridge;
    try {
      bridge = Class.forName(BRIDGE, false, null).getModule();
    } catch (ClassNotFoundException missing) {
      throw new IllegalStateException("toolguard's bridge is not in the bootstrap class loader");
    }
    for (Map.Entry<String, List<Hook>> entry : merged.entrySet()) {
      if (insideLoop(entry.getValue()) && !LOOP_CLASSES.contains(entry.getKey())) {
        throw new IllegalStateException(
            entry.getKey()
                + " has a hook inside a loop but is not among JdkWeaver.LOOP_CLASSES, which"
                + " are woven before any code can run them. Tools would go unchecked, "
                + consequence);
      }
    }
    // Every module with a hooked class reads the bridge before the transformer can weave it.
    Map<String, Module> modules = modulesOfHookedClasses(merged.keySet());
    for (Module module : new HashSet<>(modules.values())) {
      readBridge(instrumentation, module, bridge);
    }
    this.cache = kept;
    this.hooks = merged;
    if (publisher == null) {
      instrumentation.addTransformer(this, true);
    } else {
      // A class of LOOP_CLASSES another thread is loading is woven now, and defined so.
      releaseLoopClasses();
    }
    // Taken after the transformer is in place: a class missing here is woven as it is loaded.
    Map<String, Class<?>> loaded = jdkClassesLoaded(instrumentation, hooks.keySet());
    List<Class<?>> loadedBefore = new ArrayList<>();
    Map<String, Module> later = new LinkedHashMap<>();
    for (String name : hooks.keySet()) {
      Class<?> type = loaded.get(name);
      Module module = modules.get(name);
      boolean leave =
          mayLeave && module != null && cache.holds(name) && !insideLoop(hooks.get(name));
      if (type == null && module != null) {
        if (leave) {
          later.put(name, module);
          continue;
        }
        type = load(name, module);
        if (type == null) {
          continue;
        }
      }
      if (type == null) {
        failures.add(name + ": this JDK has no such class");
      } else if (!asked.contains(name)) {
        // Loaded before the transformer was in place; by another thread, possibly, that began
        // loading it then and finished after the list above was taken. Retransformed with the
        // rest where that may wait (Rest finds it unwoven), else now.
        if (leave) {
          later.put(name, module);
        } else {
          loadedBefore.add(type);
        }
      }
    }
    retransform(instrumentation, loadedBefore, consequence);
    if (later.isEmpty()) {
      finish(consequence);
      return Rest.NONE;
    }
    requireAllWoven(later.keySet(), consequence);
    return new Rest(this, instrumentation, later, modules);
  }

  /**
   * {@return whether no security manager is in force or asked for}: one the application installs
   * would keep toolguard's thread from loading what was left ({@code getClassLoader}), so with one
   * in force, or {@code java.security.manager} set to anything but {@code disallow}, nothing is
   * left. (JDK 17 lets an application install one without that setting; then every tool call is
   * refused, saying so, and {@code -Dtoolguard.woven_jdk=off} weaves all before {@code main}.)
   */
  @SuppressWarnings("removal")
  @SuppressForbidden(
      reason = "whether the application installed a security manager, which JDK 17 allows")
  public static boolean noSecurityManagerAhead() {
    String setting = System.getProperty("java.security.manager");
    return System.getSecurityManager() == null && (setting == null || setting.equals("disallow"));
  }

  /**
   * {@return whether a hook sits inside a loop that may never return ({@code TimerThread}'s): a
   * class with one is loaded at start-up, as a frame of it the JVM ran unwoven would stay so, past
   * any retransform (see {@link Rest})}
   */
  private static boolean insideLoop(List<Hook> classHooks) {
    for (Hook hook : classHooks) {
      for (Insertion insertion : hook.insertions()) {
        if (insertion instanceof Insertion.AroundCall) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@return the class, loaded by its name in its module (and so woven as it is defined), or null
   * after noting why not}
   */
  private Class<?> load(String name, Module module) {
    try {
      Class<?> type = Class.forName(module, name.replace('/', '.'));
      if (type == null) {
        failures.add(name + ": this JDK has no such class");
      }
      return type;
    } catch (LinkageError unloadable) {
      // Another agent's transformer, say, handed the JVM bytes it cannot define: named below.
      failures.add(name + ": " + unloadable);
      return null;
    }
  }

  private static void retransform(
      Instrumentation instrumentation, List<Class<?>> classes, String consequence) {
    try {
      if (!classes.isEmpty()) {
        // An array, not an array constructor reference, which the weaving thread would spin.
        instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
      }
    } catch (UnmodifiableClassException unsupported) {
      throw new IllegalStateException(
          "toolguard does not support this JDK ("
              + System.getProperty("java.version")
              + "): "
              + unsupported.getMessage()
              + ". Tools would go unchecked, "
              + consequence);
    }
  }

  /** What {@link Rest#weave} does. */
  private void weaveRest(
      Instrumentation instrumentation, Map<String, Module> later, Map<String, Module> modules) {
    try {
      weaveRestOf(instrumentation, later, modules);
    } catch (SecurityException forbidden) {
      throw forbiddenAfterMain(forbidden);
    }
  }

  /**
   * {@return why no tool may run when a security manager the application installed in {@code main}
   * (JDK 17 lets it, unannounced) forbade the weaving that runs after {@code main} began}
   */
  public static IllegalStateException forbiddenAfterMain(SecurityException forbidden) {
    return new IllegalStateException(
        "toolguard could not weave its checks into the rest of this JDK: a security manager the"
            + " application installed forbade it ("
            + forbidden
            + "). Tools would go unchecked, "
            + NO_TOOL_RUNS
            + "; start the JVM with -D"
            + WovenJdkCache.SWITCH
            + "=off to weave them all before main",
        forbidden);
  }

  private void weaveRestOf(
      Instrumentation instrumentation, Map<String, Module> later, Map<String, Module> modules) {
    try {
      for (Map.Entry<String, Module> entry : later.entrySet()) {
        load(entry.getKey(), entry.getValue());
      }
      // Every hooked class is loaded by now. One the JVM defined without handing it over (see
      // Rest) is retransformed: the JVM hands it over then. Each is found in its module by name,
      // not among every class loaded (2,000 and more in an application by now).
      List<Class<?>> unwoven = new ArrayList<>();
      for (String name : hooks.keySet()) {
        Module module = modules.get(name);
        if (!woven.contains(name) && module != null) {
          Class<?> type;
          try {
            type = Class.forName(module, name.replace('/', '.'));
          } catch (LinkageError unloadable) {
            // It could not be loaded, which install or load() noted: finish() names it.
            continue;
          }
          if (type != null && isJdks(type.getClassLoader(), type.getModule(), true)) {
            unwoven.add(type);
          }
        }
      }
      retransform(instrumentation, unwoven, NO_TOOL_RUNS);
      finish(NO_TOOL_RUNS);
    } finally {
      cache.release();
    }
  }

  /**
   * Ends the start-up's weaving, from when on a hooked class that cannot be woven is refused; then
   * fails if any hooked class is not woven, or could not be, and keeps the woven classes for the
   * next start.
   */
  private void finish(String consequence) {
    // Started first, then the failures read: a hooked class another thread loads meanwhile (the
    // weaving may run beside the rest of the start-up) either has its failure read here or,
    // reading started again after recording it, is refused (see failed).
    started = true;
    requireAllWoven(Set.of(), consequence);
    cache.startWoven();
  }

  /** {@return the hooks of all parts by class, in one map (parts may hook the same class)} */
  @SafeVarargs
  private static Map<String, List<Hook>> merged(Map<String, List<Hook>>... parts) {
    Map<String, List<Hook>> hooks = new LinkedHashMap<>();
    // Loops, not lambdas or streams: each lambda is a class spun at start-up.
    for (Map<String, List<Hook>> part : parts) {
      for (Map.Entry<String, List<Hook>> entry : part.entrySet()) {
        List<Hook> first = hooks.get(entry.getKey());
        if (first == null) {
          hooks.put(entry.getKey(), entry.getValue());
        } else {
          List<Hook> both = new ArrayList<>(first);
          both.addAll(entry.getValue());
          hooks.put(entry.getKey(), List.copyOf(both));
        }
      }
    }
    return hooks;
  }

  /**
   * {@return the module of each hooked class, by the class's package}: the JDK's modules are all in
   * the boot layer, and a hooked class whose package no module holds has none (and fails).
   */
  private static Map<String, Module> modulesOfHookedClasses(Set<String> hooked) {
    // Only the hooked classes' packages are kept: a map of every package of the boot layer (about
    // 900) cost a put each, on the weaving thread.
    Map<String, Module> byPackage = new HashMap<>();
    for (String name : hooked) {
      int slash = name.lastIndexOf('/');
      if (slash >= 0) {
        byPackage.put(name.substring(0, slash).replace('/', '.'), null);
      }
    }
    for (Module module : ModuleLayer.boot().modules()) {
      for (String name : module.getPackages()) {
        if (byPackage.containsKey(name)) {
          byPackage.put(name, module);
        }
      }
    }
    Map<String, Module> modules = new HashMap<>();
    for (String name : hooked) {
      int slash = name.lastIndexOf('/');
      Module module = slash < 0 ? null : byPackage.get(name.substring(0, slash).replace('/', '.'));
      if (module != null) {
        modules.put(name, module);
      }
    }
    return modules;
  }

  /**
   * {@return the hooked classes loaded so far by the JDK's loaders, by internal name}: looked up by
   * binary name, so that the 1,500 or more classes loaded by now cost no converted copy of their
   * names
   */
  private static Map<String, Class<?>> jdkClassesLoaded(
      Instrumentation instrumentation, Set<String> hooked) {
    Map<String, String> byBinaryName = new HashMap<>();
    for (String name : hooked) {
      byBinaryName.put(name.replace('/', '.'), name);
    }
    Map<String, Class<?>> loaded = new HashMap<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      String name = byBinaryName.get(type.getName());
      if (name != null && isJdks(type.getClassLoader(), type.getModule(), true)) {
        loaded.put(name, type);
      }
    }
    return loaded;
  }

  /** {@return the class file of {@code name} in {@code module}, or null after noting why not} */
  private byte[] classFile(String name, Module module) {
    if (module == null) {
      failures.add(name + ": no module of this JDK holds it");
      return null;
    }
    try (InputStream in = module.getResourceAsStream(name + ".class")) {
      if (in == null) {
        failures.add(name + ": no class file in " + module.getName());
        return null;
      }
      return in.readAllBytes();
    } catch (IOException unreadable) {
      failures.add(name + ": " + unreadable);
      return null;
    }
  }

  /**
   * Weaves every hooked class of this JDK whole, into copies read from their modules, changing
   * nothing: for the tests that prove each hook fits each JDK the build runs on.
   *
   * @return why a class could not be woven, one line each; empty when all fit
   */
  @SafeVarargs
  public static List<String> dryRun(Map<String, List<Hook>>... parts) {
    JdkWeaver weaver = new JdkWeaver(merged(parts), WovenJdkCache.NONE, null);
    Map<String, Module> modules = modulesOfHookedClasses(weaver.hooks.keySet());
    for (String name : weaver.hooks.keySet()) {
      byte[] classFile = weaver.classFile(name, modules.get(name));
      if (classFile != null) {
        weaver.weaveHooked(weaver.hooks, name, classFile);
      }
    }
    Set<String> missing = new TreeSet<>(weaver.hooks.keySet());
    missing.removeAll(weaver.woven);
    List<String> failures = new ArrayList<>(weaver.failures);
    if (!missing.isEmpty() && failures.isEmpty()) {
      failures.add("not woven: " + String.join(", ", missing));
    }
    return failures;
  }

  /** {@return the signatures of the required hooks not in {@code found}, or ""} */
  private static String missing(List<Hook> classHooks, Set<Hook> found) {
    StringJoiner missing = new StringJoiner(", ");
    for (Hook hook : classHooks) {
      if (hook.required() && !found.contains(hook)) {
        missing.add(hook.signature());
      }
    }
    return missing.toString();
  }

  /**
   * A named module reads the bootstrap loader's unnamed module, where the bridge is, only if told
   * to: the woven code of a platform module ({@code java.net.http}) would fail to link otherwise.
   */
  private static void readBridge(Instrumentation instrumentation, Module module, Module bridge) {
    if (!module.canRead(bridge)) {
      instrumentation.redefineModule(
          module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
    }
  }

  /**
   * A few JDK modules are defined by the application class loader ({@code jdk.attach}): their
   * classes are the JDK's when their module comes from the JDK's run-time image.
   */
  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] classFile) {
    try {
      Map<String, List<Hook>> known = hooksFor(loader, internalName);
      return known != null
              && isJdks(loader, module, internalName != null && known.containsKey(internalName))
          ? weaveHooked(known, internalName, classFile)
          : null;
    } catch (Throwable exhausted) {
      return exhausted(internalName);
    }
  }

  /**
   * What a class becomes when the stack or memory ran out while it was looked at (a tool can
   * exhaust its stack on purpose before it makes the JVM load a class; another agent can
   * retransform a hooked class then): the JDK would define it as it is, unchecked. After start-up a
   * hooked class is refused, and so is one that cannot even be looked up now, without a word, which
   * could fail the same way. At start-up nothing is refused: a hooked class is then missing from
   * {@link #woven}, and the start fails, or, while a {@link Rest} is left, the rest retransforms it
   * before any tool runs (or every tool call is refused).
   */
  private byte[] exhausted(String internalName) {
    if (!started) {
      return null;
    }
    try {
      Map<String, List<Hook>> known = hooks;
      if (internalName != null && known != null && !known.containsKey(internalName)) {
        return null;
      }
    } catch (Throwable still) {
      // not known whether it is hooked: refused below
    }
    // REFUSED, made without a call
    return new byte[1];
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] classFile) {
    try {
      Map<String, List<Hook>> known = hooksFor(loader, internalName);
      return known != null && (loader == null || loader == PLATFORM)
          ? weaveHooked(known, internalName, classFile)
          : null;
    } catch (Throwable exhausted) {
      return exhausted(internalName);
    }
  }

  /**
   * {@return whether a class of {@code loader} and {@code module} is the JDK's}: a few JDK modules
   * are defined by the application class loader ({@code jdk.attach}), and their classes are the
   * JDK's when their module comes from the JDK's run-time image ({@code hooked}: only asked then)
   */
  private static boolean isJdks(ClassLoader loader, Module module, boolean hooked) {
    return loader == null
        || loader == PLATFORM
        || (hooked
            && loader == ClassLoader.getSystemClassLoader()
            && module != null
            && module.isNamed()
            && JdkInitialisation.isRuntimeImageModule(module));
  }

  private byte[] weaveHooked(Map<String, List<Hook>> known, String internalName, byte[] classFile) {
    List<Hook> classHooks = internalName != null ? known.get(internalName) : null;
    if (classHooks == null) {
      return null;
    }
    asked.add(internalName);
    try {
      boolean starting = !started;
      byte[] kept = starting ? kept(internalName, classFile, classHooks) : null;
      if (kept != null) {
        // Woven from the same class file with the same hooks, every required one found.
        woven.add(internalName);
        return kept;
      }
      // By identity: a record's equals and hashCode would spin method handles at start-up.
      Set<Hook> found = Collections.newSetFromMap(new IdentityHashMap<>());
      byte[] result = Inserter.weave(internalName, classFile, classHooks, found);
      String missing = missing(classHooks, found);
      if (!missing.isEmpty()) {
        return failed(internalName + " has no " + missing);
      }
      if (starting) {
        keep(internalName, classFile, classHooks, result);
      }
      woven.add(internalName);
      return result;
    } catch (RuntimeException | LinkageError failure) {
      return failed(internalName + ": " + failure);
    }
  }

  /** {@return the class as woven at an earlier start, or null: weaving it is never worse} */
  private byte[] kept(String internalName, byte[] classFile, List<Hook> classHooks) {
    try {
      return cache.woven(internalName, classFile, classHooks);
    } catch (RuntimeException | VirtualMachineError unusable) {
      // A heap too small to look, say: the class is woven as without the file.
      return null;
    }
  }

  private void keep(String internalName, byte[] classFile, List<Hook> classHooks, byte[] woven) {
    try {
      cache.wove(internalName, classFile, classHooks, woven);
    } catch (RuntimeException | VirtualMachineError notKept) {
      // Kept for the next start or not, this one runs woven.
    }
  }

  /**
   * At start-up, records why a class could not be woven (the start then fails, or, while a {@link
   * Rest} is left, every tool call is refused); afterwards, refuses the class being loaded, which
   * must not run unchecked, and says so. A class loaded by another thread while {@link #install}
   * ends is one or the other: {@code started} is read again after the failure is recorded, and
   * {@code install} reads the failures after setting it.
   */
  private byte[] failed(String why) {
    if (!started) {
      failures.add(why);
      if (!started) {
        return null;
      }
    }
    System.err.println(
        "toolguard: could not weave its checks into "
            + why
            + "; the JVM is refused this class rather than run it unchecked");
    return REFUSED.clone();
  }

  /**
   * Fails if a hooked class but {@code notYet} is not woven, or if any could not be.
   *
   * @throws IllegalStateException naming them
   */
  private void requireAllWoven(Set<String> notYet, String consequence) {
    Set<String> missing = new TreeSet<>(hooks.keySet());
    missing.removeAll(woven);
    missing.removeAll(notYet);
    if (!missing.isEmpty() || !failures.isEmpty()) {
      throw new IllegalStateException(
          "toolguard could not weave its checks into this JDK ("
              + System.getProperty("java.version")
              + "): "
              + (failures.isEmpty() ? "" : String.join("; ", failures) + "; ")
              + "not woven: "
              + String.join(", ", missing)
              + ". Tools would go unchecked, "
              + consequence);
    }
  }
}
