package io.toolguard.it.app.planted;

import io.toolguard.it.app.PlantedApp;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Cleaner;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The "script" {@code PlantedApp}'s tool runs, defined by a class loader the tool creates: each
 * entry leaves code behind that writes outside the tool's grants when it runs later.
 */
public final class Planter {

  private static final Cleaner CLEANER = Cleaner.create();

  private Planter() {}

  static void harm(String name) {
    PlantedApp.write(name, PlantedApp.outside.resolve(name));
  }

  public static Object result(Object unused) {
    return new Object() {
      @Override
      public String toString() {
        harm("result");
        return "a result";
      }
    };
  }

  public static Object thread(Object unused) {
    return new Thread() {
      @Override
      public void run() {
        harm("thread");
      }
    };
  }

  public static Object factory(Object unused) {
    return (ThreadFactory)
        task ->
            new Thread() {
              @Override
              public void run() {
                harm("factory");
                task.run();
              }
            };
  }

  public static Object handler(Object logger) {
    ((Logger) logger)
        .addHandler(
            new Handler() {
              @Override
              public void publish(LogRecord record) {
                harm("handler");
              }

              @Override
              public void flush() {}

              @Override
              public void close() {}
            });
    return null;
  }

  @SuppressWarnings("unchecked")
  public static Object future(Object future) {
    ((CompletableFuture<String>) future).thenRun(() -> harm("future"));
    return null;
  }

  public static Object supplier(Object unused) {
    return (Supplier<String>)
        () -> {
          harm("supplier");
          return "supplied";
        };
  }

  public static Object methodReference(Object unused) {
    return (BooleanSupplier) PlantedApp.outside.resolve("victim").toFile()::delete;
  }

  public static Object cleaner(Object unused) {
    CLEANER.register(new Object(), () -> harm("cleaner"));
    return null;
  }

  public static Object finalizer(Object unused) {
    new Finalized();
    return null;
  }

  public static Object queue(Object pool) {
    ((ThreadPoolExecutor) pool).getQueue().offer(() -> harm("queue"));
    return null;
  }

  public static Object initialiser(Object unused) throws ClassNotFoundException {
    return Class.forName(Initialised.class.getName(), false, Planter.class.getClassLoader());
  }

  public static Object proxy(Object unused) {
    return Proxy.newProxyInstance(
        Planter.class.getClassLoader(),
        new Class<?>[] {Runnable.class},
        (self, method, arguments) -> {
          harm("proxy");
          return null;
        });
  }

  public static Object pool(Object unused) {
    return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
      @Override
      protected void beforeExecute(Thread thread, Runnable task) {
        harm("pool");
      }
    };
  }

  public static Object timer(Object timer) {
    ((Timer) timer)
        .schedule(
            new TimerTask() {
              @Override
              public void run() {
                harm("timer");
              }
            },
            200);
    return null;
  }

  public static Object privateLookup(Object unused) throws Throwable {
    byte[] classFile;
    try (InputStream in =
        PlantedApp.class.getResourceAsStream("/io/toolguard/it/app/HiddenHarm.class")) {
      classFile = in.readAllBytes();
    }
    MethodHandles.Lookup lookup =
        MethodHandles.privateLookupIn(PlantedApp.class, MethodHandles.lookup());
    Class<?> defined = lookup.defineClass(classFile);
    return lookup
        .findConstructor(defined, java.lang.invoke.MethodType.methodType(void.class))
        .invoke();
  }

  /**
   * Hands its own bytes to the application's shared script engine, a loader made outside tools: the
   * class it defines writes outside when the application runs it later.
   */
  public static Object sharedLoader(Object engine) throws Exception {
    byte[] classFile;
    try (InputStream in = Planter.class.getResourceAsStream("Smuggled.class")) {
      classFile = in.readAllBytes();
    }
    Class<?> defined =
        (Class<?>) engine.getClass().getMethod("define", byte[].class).invoke(engine, classFile);
    return defined
        .getConstructor(String.class)
        .newInstance(PlantedApp.outside.resolve("shared-loader").toString());
  }

  /**
   * Makes a module layer of its own, whose one module's class (served from memory) writes outside
   * when the application runs it later.
   */
  public static Object moduleLayer(Object unused) throws Exception {
    String name = "io/toolguard/it/app/layered/Layered.class";
    byte[] classFile;
    try (InputStream in = Planter.class.getResourceAsStream("/" + name)) {
      classFile = in.readAllBytes();
    }
    ClassLoader layer =
        io.toolguard.it.app.Layers.serving(
            "io.toolguard.it.app.layered", java.util.Map.of(name, classFile));
    return layer
        .loadClass("io.toolguard.it.app.layered.Layered")
        .getConstructor(String.class)
        .newInstance(PlantedApp.outside.resolve("module-layer").toString());
  }

  /**
   * Calls the application's code, which links a lambda of its own for the first time: the JDK
   * defines it in the application's loader, as the application's.
   */
  public static Object applicationLambda(Object unused) {
    return PlantedApp.firstLinkedLambda();
  }

  /** Writes outside the box from a class of its own that it named like the JDK's class loaders. */
  public static Object jdkNamedClass(Object unused) throws ReflectiveOperationException {
    Class<?> decoy =
        Class.forName("jdk.internal.loader.PlantedDecoy", true, Planter.class.getClassLoader());
    decoy.getMethod("loadClassData").invoke(null);
    return null;
  }

  /**
   * Uses reflection and method handle combinators, for which the JDK spins classes of its own
   * (lambda forms, species, and on newer JDKs reflection's invokers) while the script is on the
   * stack: the JDK's classes, not the script's, so they are not refused.
   */
  public static Object methodHandles(Object unused) throws Throwable {
    Object outside = PlantedApp.class.getField("outside").get(null);
    java.lang.invoke.MethodHandle join =
        MethodHandles.publicLookup()
            .findStatic(
                String.class,
                "join",
                java.lang.invoke.MethodType.methodType(
                    String.class, CharSequence.class, CharSequence[].class));
    java.lang.invoke.MethodHandle bound = MethodHandles.insertArguments(join, 0, "-");
    String joined = (String) bound.invoke(new CharSequence[] {"a", "b"});
    return outside != null && joined.equals("a-b") ? "ok" : "wrong " + joined;
  }

  /**
   * Calls a method through {@code java.beans}, whose trampoline class loader the JDK creates the
   * first time, here inside the tool, and uses for everyone after.
   */
  public static Object beansInBox(Object unused) {
    Path mine = Path.of("beans-output").toAbsolutePath();
    java.beans.EventHandler.create(Runnable.class, mine.toFile(), "createNewFile").run();
    return java.nio.file.Files.exists(mine) ? "ok" : "missing";
  }

  public static Object eventHandler(Object unused) {
    return java.beans.EventHandler.create(
        Runnable.class, PlantedApp.outside.resolve("event-handler").toFile(), "createNewFile");
  }

  public static Object methodHandleProxy(Object unused) throws ReflectiveOperationException {
    java.lang.invoke.MethodHandle create =
        MethodHandles.publicLookup()
            .findVirtual(
                java.io.File.class,
                "createNewFile",
                java.lang.invoke.MethodType.methodType(boolean.class));
    return java.lang.invoke.MethodHandleProxies.asInterfaceInstance(
        java.util.function.BooleanSupplier.class,
        MethodHandles.insertArguments(
            create, 0, PlantedApp.outside.resolve("method-handle-proxy").toFile()));
  }

  public static Object resultInBox(Object unused) {
    return new Object() {
      @Override
      public String toString() {
        Path mine = Path.of("script-output").toAbsolutePath();
        PlantedApp.write("result-in-box", mine);
        return java.nio.file.Files.exists(mine) ? "ok" : "missing";
      }
    };
  }

  public static Object compute(Object n) {
    Supplier<Integer> square = () -> (Integer) n * (Integer) n;
    return square.get() == 400 ? "ok" : "wrong";
  }

  /** Leaves a finalizer behind. */
  static final class Finalized {
    @Override
    @SuppressWarnings({"deprecation", "removal"})
    protected void finalize() {
      harm("finalizer");
    }
  }

  /** Its initialiser runs when the application first uses it. */
  static final class Initialised {
    static {
      harm("initialiser");
    }

    private Initialised() {}
  }
}
