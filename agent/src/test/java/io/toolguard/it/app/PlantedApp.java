package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Code a tool leaves behind: {@code PlantedApp OUTSIDE}. The tool {@code run_script} plays a script
 * engine: it creates a class loader and runs a "script" ({@code planted.Planter}, defined by that
 * loader) which leaves code behind for the application, or the JVM, to run after the tool returned:
 * a result's {@code toString}, a thread, a thread factory, a logging handler, a future's dependent,
 * a lambda, a method reference, a {@code Cleaner} action, a finalizer, a task pushed into a pool's
 * queue, a class initialiser, a proxy's handler, a pool's {@code beforeExecute}, a timer task and a
 * hidden class defined in the application's own loader, a class it has a script engine the
 * application shares define; and, inside the tool, a class of its own named like the JDK's class
 * loaders. Each tries to write {@code OUTSIDE/name} (or delete {@code OUTSIDE/victim}); the
 * application prints {@code PLANTED name harm|denied|…}. Then legitimate work: {@code LEGIT name
 * ok|…}.
 */
public final class PlantedApp {

  /** Where planted code does its harm; the script finds it here. */
  public static volatile Path outside;

  private static final Map<String, String> OUTCOMES = new ConcurrentHashMap<>();

  private PlantedApp() {}

  /** The tool: runs the script's entry {@code name} with {@code argument}, in a new loader. */
  @Tool(name = "run_script", risk = Risk.LOW)
  static Object runScript(String name, Object argument) throws Exception {
    ClassLoader engine = new ScriptLoader(PlantedApp.class.getClassLoader());
    Class<?> script = Class.forName("io.toolguard.it.app.planted.Planter", true, engine);
    return script.getMethod(name, Object.class).invoke(null, argument);
  }

  /** The application's own tool, whose lambda it keeps and runs later, outside tools. */
  @Tool(name = "make_writer", risk = Risk.LOW)
  static Runnable makeWriter(Path target) {
    return () -> write("app-lambda", target);
  }

  /**
   * The application's own tool that calls one of its methods by reflection often enough that JDK 17
   * generates an accessor for it, in a class loader the JDK creates inside the tool.
   */
  @Tool(name = "reflect_often", risk = Risk.LOW)
  static void reflectOften() throws ReflectiveOperationException {
    Method write = PlantedApp.class.getMethod("write", String.class, Path.class);
    for (int i = 0; i < 40; i++) {
      write.invoke(null, "reflected", Path.of("reflected"));
    }
  }

  /**
   * The application's own tool that loads a plug-in's class, from its class file, through a loader
   * the application made outside tools; the application runs it later.
   */
  @Tool(name = "load_plugin", risk = Risk.LOW)
  static Runnable loadPlugin(PluginLoader plugins, Path target) throws Exception {
    return (Runnable)
        plugins.own(SMUGGLED).getConstructor(String.class).newInstance(target.toString());
  }

  private static final String SMUGGLED = "io.toolguard.it.app.planted.Smuggled";

  /** A lambda of the application's that nothing links before the script calls this. */
  public static String firstLinkedLambda() {
    Supplier<String> linked = () -> "ok";
    return linked.get();
  }

  /** Writes {@code target} for whoever calls, and records what happened as {@code name}. */
  public static void write(String name, Path target) {
    try {
      Files.writeString(target, name);
      record(name, "harm");
    } catch (SecurityException denied) {
      record(name, "denied");
    } catch (IOException | RuntimeException failed) {
      record(name, "failed " + failed);
    }
  }

  /** Records the outcome of planted code that ran. */
  public static void record(String name, String outcome) {
    OUTCOMES.putIfAbsent(name, outcome);
  }

  public static void main(String[] args) throws Exception {
    outside = Path.of(args[0]).toAbsolutePath();
    Files.writeString(outside.resolve("victim"), "keep me");

    // a result whose toString runs later
    Object result = runScript("result", null);
    settle("result", () -> String.valueOf(result));

    // a thread subclass the application starts
    Thread thread = (Thread) runScript("thread", null);
    settle("thread", thread::start);

    // a thread factory the application builds its pool with
    ThreadFactory factory = (ThreadFactory) runScript("factory", null);
    ExecutorService pool =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    settle("factory", () -> pool.execute(() -> {}));

    // a handler added to the application's logger
    Logger logger = Logger.getLogger("planted.app");
    runScript("handler", logger);
    settle("handler", () -> logger.info("the application logs"));

    // a dependent of the application's future
    CompletableFuture<String> future = new CompletableFuture<>();
    runScript("future", future);
    settle("future", () -> future.complete("done"));

    // a lambda and a method reference the application calls
    @SuppressWarnings("unchecked")
    Supplier<String> supplier = (Supplier<String>) runScript("supplier", null);
    settle("supplier", supplier::get);
    BooleanSupplier deleter = (BooleanSupplier) runScript("methodReference", null);
    settle(
        "method-reference",
        () -> {
          try {
            boolean deleted = deleter.getAsBoolean();
            record("method-reference", deleted ? "harm" : "failed not deleted");
          } catch (SecurityException denied) {
            record("method-reference", "denied");
          }
        });

    // a Cleaner action and a finalizer the JVM runs
    runScript("cleaner", null);
    settle("cleaner", System::gc);
    runScript("finalizer", null);
    settle(
        "finalizer",
        () -> {
          System.gc();
          System.runFinalization();
        });

    // a task pushed straight into the application's pool's queue
    ThreadPoolExecutor queued =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    runScript("queue", queued);
    settle("queue", queued::prestartAllCoreThreads);

    // a class the application initialises later
    Class<?> late = (Class<?>) runScript("initialiser", null);
    settle(
        "initialiser",
        () -> {
          try {
            Class.forName(late.getName(), true, late.getClassLoader());
          } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
          }
        });

    // a proxy whose handler is the script's
    Runnable proxy = (Runnable) runScript("proxy", null);
    settle("proxy", proxy::run);

    // a pool the script made, with its own beforeExecute, which the application uses
    ExecutorService scriptPool = (ExecutorService) runScript("pool", null);
    settle("pool", () -> scriptPool.execute(() -> {}));

    // a timer task on the application's timer
    Timer timer = new Timer("application timer", true);
    runScript("timer", timer);
    settle("timer", () -> {});

    // a class the script defines in the application's own loader
    try {
      Runnable hidden = (Runnable) runScript("privateLookup", null);
      settle("private-lookup", hidden::run);
    } catch (Exception refused) {
      record("private-lookup", denied(refused) ? "denied" : "failed " + refused);
      settle("private-lookup", () -> {});
    }

    // objects of the JDK's own classes, assembled by the script to act later
    Runnable eventHandler = (Runnable) runScript("eventHandler", null);
    settle("event-handler", () -> created("event-handler", eventHandler::run));
    BooleanSupplier handleProxy = (BooleanSupplier) runScript("methodHandleProxy", null);
    settle("method-handle-proxy", () -> created("method-handle-proxy", handleProxy::getAsBoolean));

    // a class the script has the application's shared script engine define
    SharedEngine engine = new SharedEngine();
    Runnable smuggled = (Runnable) runScript("sharedLoader", engine);
    settle("shared-loader", () -> created("shared-loader", smuggled::run));

    // a class of a module layer the script made
    Runnable layered = (Runnable) runScript("moduleLayer", null);
    settle("module-layer", () -> created("module-layer", layered::run));

    // a class of the script's own, named like the JDK's class loaders, writes from inside the tool
    try {
      runScript("jdkNamedClass", null);
    } catch (Exception refused) {
      record("jdk-named-class", denied(refused) ? "denied" : "failed " + refused);
    }
    settle("jdk-named-class", () -> {});

    for (String name :
        List.of(
            "result",
            "thread",
            "factory",
            "handler",
            "future",
            "supplier",
            "method-reference",
            "cleaner",
            "finalizer",
            "queue",
            "initialiser",
            "proxy",
            "pool",
            "timer",
            "private-lookup",
            "event-handler",
            "method-handle-proxy",
            "shared-loader",
            "module-layer",
            "jdk-named-class")) {
      System.out.println("PLANTED " + name + " " + OUTCOMES.getOrDefault(name, "did not run"));
    }

    legitimate();
    pool.shutdownNow();
    queued.shutdownNow();
    scriptPool.shutdownNow();
    System.exit(0);
  }

  /** Runs {@code action}, then records whether it created {@code OUTSIDE/name}. */
  private static void created(String name, Runnable action) {
    action.run();
    record(name, Files.exists(outside.resolve(name)) ? "harm" : "failed nothing created");
  }

  /** Runs {@code trigger} outside tools, then waits up to 10 s for planted code to report. */
  private static void settle(String name, Runnable trigger) throws InterruptedException {
    try {
      trigger.run();
    } catch (RuntimeException failed) {
      record(name, denied(failed) ? "denied" : "failed " + failed);
    }
    for (int i = 0; i < 200 && !OUTCOMES.containsKey(name); i++) {
      System.gc();
      Thread.sleep(50);
    }
  }

  private static void legitimate() throws Exception {
    // the script's own work inside the sandbox, run after the tool returned
    Object inBox = runScript("resultInBox", null);
    System.out.println("LEGIT script-writes-in-its-box " + String.valueOf(inBox));
    // the script's pure computation
    System.out.println("LEGIT script-computes " + runScript("compute", 20));
    // the application's code the script calls, linking a lambda of the application's
    Object linked;
    try {
      linked = runScript("applicationLambda", null);
    } catch (ReflectiveOperationException | RuntimeException failed) {
      linked = "failed " + (failed.getCause() == null ? failed : failed.getCause());
    }
    System.out.println("LEGIT script-calls-application-lambda " + linked);
    // the script's reflection and method handles, for which the JDK spins classes of its own
    Object handles;
    try {
      handles = runScript("methodHandles", null);
    } catch (ReflectiveOperationException | RuntimeException failed) {
      handles = "failed " + (failed.getCause() == null ? failed : failed.getCause());
    }
    System.out.println("LEGIT script-uses-method-handles " + handles);
    // the application's own lambda, made in its tool, run later outside tools
    Path appOwn = outside.resolve("app-lambda");
    makeWriter(appOwn).run();
    System.out.println("LEGIT application-lambda " + (Files.exists(appOwn) ? "ok" : "missing"));
    // the application's own reflection, outside tools, of a method a tool called by reflection
    reflectOften();
    Path reflected = outside.resolve("application-reflection");
    PlantedApp.class
        .getMethod("write", String.class, Path.class)
        .invoke(null, "application-reflection", reflected);
    System.out.println(
        "LEGIT application-reflection " + (Files.exists(reflected) ? "ok" : "missing"));
    // the application's own use of java.beans, outside tools, after the script used it first
    System.out.println("LEGIT script-uses-beans " + runScript("beansInBox", null));
    Path beans = outside.resolve("application-beans");
    try {
      java.beans.EventHandler.create(Runnable.class, beans.toFile(), "createNewFile").run();
      System.out.println("LEGIT application-beans " + (Files.exists(beans) ? "ok" : "missing"));
    } catch (RuntimeException failed) {
      System.out.println("LEGIT application-beans failed " + failed);
    }
    // a plug-in class the application's loader, made outside tools, loaded in a tool from its own
    // class file, run later outside tools
    Path plugin = outside.resolve("application-plugin");
    loadPlugin(new PluginLoader(), plugin).run();
    System.out.println("LEGIT application-plugin " + (Files.exists(plugin) ? "ok" : "missing"));
    // the application's own writes, on the thread that ran the script's code
    Path own = outside.resolve("application");
    Files.writeString(own, "mine");
    System.out.println("LEGIT application-writes " + (Files.exists(own) ? "ok" : "missing"));
  }

  private static boolean denied(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SecurityException) {
        return true;
      }
    }
    return false;
  }

  /**
   * A script engine the application made outside tools and shares between calls: defines whatever
   * bytes it is handed.
   */
  public static final class SharedEngine extends ClassLoader {
    SharedEngine() {
      super("shared engine", ClassLoader.getPlatformClassLoader());
    }

    public Class<?> define(byte[] classFile) {
      return defineClass(null, classFile, 0, classFile.length);
    }
  }

  /**
   * A plug-in loader the application made outside tools: defines plug-ins from their class files.
   */
  static final class PluginLoader extends ClassLoader {
    PluginLoader() {
      super("plugins", PlantedApp.class.getClassLoader());
    }

    Class<?> own(String name) throws IOException {
      try (InputStream in = getResourceAsStream(name.replace('.', '/') + ".class")) {
        byte[] classFile = in.readAllBytes();
        return defineClass(name, classFile, 0, classFile.length);
      }
    }
  }

  /**
   * A script engine's class loader: defines the script's classes itself, from their class files.
   */
  static final class ScriptLoader extends ClassLoader {
    private static final String SCRIPTS = "io.toolguard.it.app.planted.";

    /** The script's class named like the JDK's class loaders ({@code PlantedDecoy}). */
    private static final String DECOY = "jdk.internal.loader.PlantedDecoy";

    ScriptLoader(ClassLoader parent) {
      super("script", parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(SCRIPTS) && !name.equals(DECOY)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> known = findLoadedClass(name);
        if (known != null) {
          return known;
        }
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          if (in == null) {
            throw new ClassNotFoundException(name);
          }
          byte[] classFile = in.readAllBytes();
          return defineClass(name, classFile, 0, classFile.length);
        } catch (IOException unreadable) {
          throw new ClassNotFoundException(name, unreadable);
        }
      }
    }
  }
}
