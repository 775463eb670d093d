package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.File;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.Properties;
import java.util.ResourceBundle;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Code in a tool launders what it may not do through JDK code that calls what it is handed (a
 * method reference passed to {@code Optional}, streams, {@code CompletableFuture}, maps; reflection
 * and method handles; class loaders it made itself): {@code LaunderingApp BOX OUTSIDE
 * [EXIT_ROUTE]}, run with {@code TG_LAUNDER_SECRET} in the environment and {@code
 * -Dtg.launder.secret}. The tool {@code launder} may read and write the box, read the variable
 * {@code TG_LAUNDER_OK} and the properties {@code tg.planted.*}.
 *
 * <p>Prints {@code LEGIT name ok: …} for JDK facilities a tool uses every day, {@code LAUNDER name
 * harm: …} when a route did harm outside the tool's grants (or {@code denied}, or what it saw),
 * then {@code OUTSIDE name …} for the same routes run by the application outside any tool. With an
 * exit route named, runs only that route, inside the tool, and then prints {@code SURVIVED name}.
 */
public final class LaunderingApp {

  static final String SECRET_VARIABLE = "TG_LAUNDER_SECRET";
  static final String SECRET_PROPERTY = "tg.launder.secret";
  static final String PLANTED = "planted-by-the-tool";

  private LaunderingApp() {}

  @Tool(name = "launder", risk = Risk.LOW)
  static String launder(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    Path box = Path.of(args[0]);
    Path outside = Path.of(args[1]);
    Map<String, Callable<String>> exits = exitRoutes();
    if (args.length > 2) {
      ToolRoutes.report("EXIT", Map.of(args[2], exits.get(args[2])), LaunderingApp::launder);
      System.out.println("SURVIVED " + args[2]);
      return;
    }
    ToolRoutes.report("LEGIT", legitimate(box), LaunderingApp::launder);
    Map<String, Callable<String>> routes = routes(box, outside);
    ToolRoutes.report("LAUNDER", routes, LaunderingApp::launder);
    ToolRoutes.report("OUTSIDE", routes, Callable::call);
  }

  /** Ends the JVM from JDK code handed {@code exit} or {@code halt}. */
  static Map<String, Callable<String>> exitRoutes() throws Exception {
    Map<String, Callable<String>> routes = new LinkedHashMap<>();
    routes.put(
        "Optional.ifPresent(System::exit)",
        () -> {
          Optional.of(77).ifPresent(System::exit);
          return "still running";
        });
    routes.put(
        "List.forEach(Runtime.getRuntime()::halt)",
        () -> {
          List.of(77).forEach(Runtime.getRuntime()::halt);
          return "still running";
        });
    routes.put(
        "MethodHandle System.exit",
        () -> {
          MethodHandle exit =
              MethodHandles.publicLookup()
                  .findStatic(System.class, "exit", MethodType.methodType(void.class, int.class));
          invoke(exit, 77);
          return "still running";
        });
    return routes;
  }

  private static Map<String, Callable<String>> legitimate(Path box) {
    Map<String, Callable<String>> work = new LinkedHashMap<>();
    work.put("String.format", () -> "ok: " + String.format("%,d %s", 1234567, "x"));
    work.put("LocalDate.now", () -> "ok: " + (LocalDate.now().getYear() > 2000));
    work.put("Charset.defaultCharset", () -> "ok: " + Charset.defaultCharset().name());
    work.put("Locale.getDefault", () -> "ok: " + (Locale.getDefault() != null));
    work.put("new Date().toString", () -> "ok: " + !new Date().toString().isEmpty());
    work.put(
        "a resource of the application's class path",
        () -> {
          try (InputStream own = LaunderingApp.class.getResourceAsStream("LaunderingApp.class")) {
            return "ok: " + (own.readAllBytes().length > 0);
          }
        });
    work.put(
        "Logger.info",
        () -> {
          Logger.getLogger("launder.legit").info("a tool logs");
          return "ok: logged";
        });
    work.put(
        "a granted variable through Optional.map(System::getenv)",
        () -> "ok: " + Optional.of("TG_LAUNDER_OK").map(System::getenv).orElse("unset"));
    work.put(
        "a granted property through Stream.map(System::getProperty)",
        () -> "ok: " + Stream.of("tg.planted.keep").map(System::getProperty).findFirst().get());
    work.put(
        "the JDK's standard properties through Optional.map",
        () -> "ok: " + Optional.of("java.version").map(System::getProperty).isPresent());
    work.put(
        "a granted file through Optional.map(Files.readString proxy)",
        () -> "ok: " + Optional.of(box.resolve("cp/plain.txt")).map(readString()).get());
    work.put(
        "a class loader made in the tool, reading the box",
        () -> {
          try (URLClassLoader loader = new URLClassLoader(new URL[] {folder(box.resolve("cp"))});
              InputStream plain = loader.getResourceAsStream("plain.txt")) {
            return "ok: " + new String(plain.readAllBytes(), StandardCharsets.UTF_8);
          }
        });
    work.put(
        "a class loader made in the tool, naming the application's class file",
        () -> {
          URL own = LaunderingApp.class.getResource("LaunderingApp.class");
          try (InputStream read = new Pointing(own).getResourceAsStream("any.class")) {
            return "ok: " + (read.readAllBytes().length > 0);
          }
        });
    return work;
  }

  /** A class loader of a tool's own, whose {@code findResource} names the file it was given. */
  static final class Pointing extends ClassLoader {
    private final URL target;

    Pointing(URL target) {
      super(null);
      this.target = target;
    }

    @Override
    protected URL findResource(String name) {
      return target;
    }

    @Override
    protected java.util.Enumeration<URL> findResources(String name) {
      return java.util.Collections.enumeration(List.of(target));
    }
  }

  private static Map<String, Callable<String>> routes(Path box, Path outside) throws Exception {
    Map<String, Callable<String>> routes = new LinkedHashMap<>();
    // the environment and properties, read by JDK code that calls what the tool handed it
    routes.put(
        "Optional.map(System::getenv)",
        () -> env(Optional.of(SECRET_VARIABLE).map(System::getenv).orElse(null)));
    routes.put(
        "Stream.map(System::getenv)",
        () ->
            env(
                Stream.of(SECRET_VARIABLE)
                    .map(System::getenv)
                    .map(String::valueOf)
                    .findFirst()
                    .get()));
    routes.put(
        "CompletableFuture.thenApply(System::getenv)",
        () ->
            env(
                CompletableFuture.completedFuture(SECRET_VARIABLE)
                    .thenApply(System::getenv)
                    .join()));
    routes.put(
        "CompletableFuture.thenApplyAsync(System::getenv)",
        () ->
            env(
                CompletableFuture.completedFuture(SECRET_VARIABLE)
                    .thenApplyAsync(System::getenv)
                    .join()));
    routes.put(
        "HashMap.computeIfAbsent(System::getenv)",
        () -> env(new HashMap<String, String>().computeIfAbsent(SECRET_VARIABLE, System::getenv)));
    routes.put(
        "ThreadLocal.withInitial(System::getenv)",
        () -> env(ThreadLocal.withInitial(System::getenv).get().get(SECRET_VARIABLE)));
    routes.put(
        "Function.identity().andThen(System::getProperty)",
        () -> env(Function.<String>identity().andThen(System::getProperty).apply(SECRET_PROPERTY)));
    routes.put(
        "Comparator.comparing(System::getenv)",
        () -> {
          String[] seen = new String[1];
          Comparator.<String, String>comparing(
                  System::getenv,
                  (String a, String b) -> {
                    seen[0] = a;
                    return 0;
                  })
              .compare(SECRET_VARIABLE, SECRET_VARIABLE);
          return env(seen[0]);
        });
    routes.put(
        "Optional.map(System::getProperty)",
        () -> env(Optional.of(SECRET_PROPERTY).map(System::getProperty).orElse(null)));
    routes.put(
        "Stream.generate(System::getProperties)",
        () ->
            env(
                Stream.generate(System::getProperties)
                    .findFirst()
                    .get()
                    .getProperty(SECRET_PROPERTY)));
    routes.put(
        "Method.invoke(System.getenv)",
        () ->
            env(
                (String)
                    System.class.getMethod("getenv", String.class).invoke(null, SECRET_VARIABLE)));
    routes.put(
        "MethodHandle.invokeWithArguments(System.getenv)",
        () -> env((String) invoke(getenv(), SECRET_VARIABLE)));
    routes.put(
        "MethodHandle.invoke(System.getProperty)",
        () -> {
          MethodHandle getProperty =
              MethodHandles.publicLookup()
                  .findStatic(
                      System.class,
                      "getProperty",
                      MethodType.methodType(String.class, String.class));
          return env((String) invoke(getProperty, SECRET_PROPERTY));
        });
    routes.put(
        "MethodHandleProxies.asInterfaceInstance(System.getenv)",
        () -> {
          @SuppressWarnings("unchecked")
          Function<String, String> read =
              MethodHandleProxies.asInterfaceInstance(Function.class, getenv());
          return env(Optional.of(SECRET_VARIABLE).map(read).orElse(null));
        });
    routes.put(
        "Proxy whose handler calls System.getenv",
        () -> {
          @SuppressWarnings("unchecked")
          Function<String, String> read =
              (Function<String, String>)
                  Proxy.newProxyInstance(
                      LaunderingApp.class.getClassLoader(),
                      new Class<?>[] {Function.class},
                      (proxy, method, arguments) -> System.getenv((String) arguments[0]));
          return env(Optional.of(SECRET_VARIABLE).map(read).orElse(null));
        });
    routes.put(
        "String.transform(System::getenv)", () -> env(SECRET_VARIABLE.transform(System::getenv)));
    routes.put(
        "List.replaceAll(System::getenv)",
        () -> {
          List<String> names = new ArrayList<>(List.of(SECRET_VARIABLE));
          names.replaceAll(System::getenv);
          return env(names.get(0));
        });
    routes.put(
        "Collectors.mapping(System::getProperty)",
        () ->
            env(
                Stream.of(SECRET_PROPERTY)
                    .collect(Collectors.mapping(System::getProperty, Collectors.toList()))
                    .get(0)));
    routes.put(
        "MethodHandle.invokeWithArguments(Thread.start) of a thread that reads the environment",
        () -> {
          String[] seen = new String[1];
          Thread reader = new Thread(() -> seen[0] = System.getenv(SECRET_VARIABLE));
          invoke(
              MethodHandles.publicLookup()
                  .findVirtual(Thread.class, "start", MethodType.methodType(void.class)),
              reader);
          reader.join();
          return env(seen[0]);
        });
    routes.put(
        "Optional.ifPresent(Thread::start) of a thread that reads the environment",
        () -> {
          String[] seen = new String[1];
          Thread reader = new Thread(() -> seen[0] = System.getenv(SECRET_VARIABLE));
          Optional.of(reader).ifPresent(Thread::start);
          reader.join();
          return env(seen[0]);
        });
    // the system properties, changed through JDK code or the object getProperties returned
    routes.put(
        "Map.forEach(System::setProperty)",
        () -> {
          Map.of("tg.planted.one", PLANTED).forEach(System::setProperty);
          return planted("tg.planted.one");
        });
    routes.put(
        "Map.forEach(System.getProperties()::setProperty)",
        () -> {
          Map.of("tg.planted.two", PLANTED).forEach(System.getProperties()::setProperty);
          return planted("tg.planted.two");
        });
    routes.put(
        "System.getProperties().putAll",
        () -> {
          Properties live = System.getProperties();
          live.putAll(Map.of("tg.planted.three", PLANTED));
          return planted("tg.planted.three");
        });
    routes.put(
        "MethodHandle.invokeWithArguments(System.setProperty)",
        () -> {
          invoke(
              MethodHandles.publicLookup()
                  .findStatic(
                      System.class,
                      "setProperty",
                      MethodType.methodType(String.class, String.class, String.class)),
              "tg.planted.four",
              PLANTED);
          return planted("tg.planted.four");
        });
    routes.put(
        "Method.invoke(System.setProperty)",
        () -> {
          System.class
              .getMethod("setProperty", String.class, String.class)
              .invoke(null, "tg.planted.five", PLANTED);
          return planted("tg.planted.five");
        });
    routes.put(
        "Optional.ifPresent(System.getProperties()::remove)",
        () -> {
          Optional.of("tg.planted.gone").ifPresent(System.getProperties()::remove);
          return System.getProperty("tg.planted.gone") == null
              ? "harm: removed tg.planted.gone"
              : "kept";
        });
    routes.put(
        "Optional.ifPresent(System::clearProperty)",
        () -> {
          Optional.of("tg.planted.keep").ifPresent(System::clearProperty);
          return System.getProperty("tg.planted.keep") == null
              ? "harm: cleared tg.planted.keep"
              : "kept";
        });
    // files, read by JDK code handed a method reference, or by a class loader the tool made
    Path secretFile = outside.resolve("secret.txt");
    routes.put(
        "Optional.map(File::length)",
        () -> {
          long length = Optional.of(secretFile.toFile()).map(File::length).orElse(-1L);
          return length == Files.size(secretFile)
              ? "harm: learned the size " + length
              : "saw " + length;
        });
    routes.put(
        "Optional.map(Files.readString as a MethodHandleProxies Function)",
        () -> file(Optional.of(secretFile).map(readString()).orElse(null)));
    routes.put(
        "Optional.ifPresent(File::delete)",
        () -> {
          Path victim = outside.resolve("victim.txt");
          Optional.of(victim.toFile()).ifPresent(File::delete);
          return Files.exists(victim) ? "kept" : "harm: deleted " + victim;
        });
    routes.put(
        "a class loader of the tool's own naming a file: getResourceAsStream",
        () -> {
          return resource(new Pointing(secretFile.toUri().toURL()), "any.txt");
        });
    routes.put(
        "a class loader of the tool's own naming a file: ServiceLoader",
        () -> {
          return provider(new Pointing(secretFile.toUri().toURL()));
        });
    routes.put(
        "URLClassLoader made in the tool: getResourceAsStream",
        () -> {
          try (URLClassLoader loader = new URLClassLoader(new URL[] {folder(box.resolve("cp"))})) {
            return resource(loader, "leak.txt");
          }
        });
    routes.put(
        "URLClassLoader made in the tool: ServiceLoader",
        () -> {
          try (URLClassLoader loader = new URLClassLoader(new URL[] {folder(box.resolve("cp"))})) {
            return provider(loader);
          }
        });
    routes.put(
        "URLClassLoader made in the tool: ResourceBundle",
        () -> {
          try (URLClassLoader loader = new URLClassLoader(new URL[] {folder(box.resolve("cp"))})) {
            return file(ResourceBundle.getBundle("leakbundle", Locale.ROOT, loader).getString("k"));
          } catch (MissingResourceException notFound) {
            return "no bundle";
          }
        });
    routes.put(
        "a class loader of the tool's own whose getResource names a file: getResourceAsStream",
        () -> {
          return resource(new Naming(secretFile), "any.txt");
        });
    routes.put(
        "a class loader of the tool's own whose getResources names a file: ServiceLoader",
        () -> {
          return provider(new Naming(outside.resolve("services.txt")));
        });
    routes.put(
        "a class loader of the tool's own whose getResource names a file: ResourceBundle",
        () -> {
          try {
            return file(
                ResourceBundle.getBundle(
                        "named", Locale.ROOT, new Naming(outside.resolve("bundle.properties")))
                    .getString("k"));
          } catch (MissingResourceException notFound) {
            return "no bundle";
          }
        });
    routes.put(
        "a module layer made in the tool, whose module names a file: getResourceAsStream",
        () -> {
          return resource(Layers.naming(secretFile), "any.txt");
        });
    return routes;
  }

  private static final Charset UTF8 = StandardCharsets.UTF_8;

  /** {@return what {@code loader}'s resource {@code name} holds, as a route reports it} */
  private static String resource(ClassLoader loader, String name) throws java.io.IOException {
    try (InputStream leak = loader.getResourceAsStream(name)) {
      return file(leak == null ? null : new String(leak.readAllBytes(), UTF8));
    }
  }

  /** {@return what the service loader found {@code loader} lists, as a route reports it} */
  private static String provider(ClassLoader loader) {
    try {
      ServiceLoader.load(Runnable.class, loader).findFirst();
      return "no provider";
    } catch (ServiceConfigurationError error) {
      if (error.getCause() instanceof SecurityException denied) {
        throw denied;
      }
      return file(error.getMessage());
    }
  }

  /**
   * A class loader of a tool's own whose {@code getResource} and {@code getResources} themselves
   * (not {@code findResource}) name the file it was given.
   */
  static final class Naming extends ClassLoader {
    private final URL target;

    Naming(Path target) throws MalformedURLException {
      super(null);
      this.target = target.toUri().toURL();
    }

    @Override
    public URL getResource(String name) {
      return target;
    }

    @Override
    public java.util.Enumeration<URL> getResources(String name) {
      return java.util.Collections.enumeration(List.of(target));
    }
  }

  private static MethodHandle getenv() throws ReflectiveOperationException {
    return MethodHandles.publicLookup()
        .findStatic(System.class, "getenv", MethodType.methodType(String.class, String.class));
  }

  /** {@code handle.invokeWithArguments(arguments)}, for a {@code Callable}. */
  private static Object invoke(MethodHandle handle, Object... arguments) throws Exception {
    try {
      return handle.invokeWithArguments(arguments);
    } catch (Exception | Error thrown) {
      throw thrown;
    } catch (Throwable other) {
      throw new IllegalStateException(other);
    }
  }

  private static URL folder(Path folder) throws MalformedURLException {
    return folder.toUri().toURL();
  }

  private static String env(String seen) {
    return seen != null && seen.contains("s3cret") ? "harm: read " + seen : "saw " + seen;
  }

  private static String file(String seen) {
    return seen != null && seen.contains("s3cret") ? "harm: read " + seen.strip() : "saw " + seen;
  }

  private static String planted(String property) {
    return PLANTED.equals(System.getProperty(property)) ? "harm: set " + property : "not set";
  }

  /**
   * {@return {@code Files.readString} as a {@code Function} the JDK made: no tool frame calls it}
   */
  @SuppressWarnings("unchecked")
  private static Function<Path, String> readString() throws ReflectiveOperationException {
    return MethodHandleProxies.asInterfaceInstance(
        Function.class,
        MethodHandles.publicLookup()
            .findStatic(
                Files.class, "readString", MethodType.methodType(String.class, Path.class)));
  }
}
