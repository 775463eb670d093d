package io.toolguard.it.app;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * JVM-wide actions and tampering with toolguard, tried inside a tool: each prints {@code JVM action
 * denied} or {@code JVM action NOT-DENIED …}; then the same actions that are harmless to repeat,
 * outside any tool: {@code OUTSIDE action ok}.
 */
final class JvmWork {

  private static int ownField = 1;

  private JvmWork() {}

  static void run() throws Exception {
    Map<String, Callable<?>> actions = new java.util.LinkedHashMap<>();
    actions.put(
        "System.exit",
        () -> {
          System.exit(3);
          return null;
        });
    actions.put(
        "Runtime.halt",
        () -> {
          Runtime.getRuntime().halt(4);
          return null;
        });
    actions.put(
        "Runtime.addShutdownHook",
        () -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {}));
          return null;
        });
    actions.put(
        "System.load",
        () -> {
          System.load("/nonexistent/libtoolguard-test.so");
          return null;
        });
    actions.put(
        "System.loadLibrary",
        () -> {
          System.loadLibrary("toolguard-test-nonexistent");
          return null;
        });
    actions.put("ProcessBuilder.start", () -> new ProcessBuilder("true").start().waitFor());
    actions.put("Runtime.exec", () -> Runtime.getRuntime().exec(new String[] {"true"}).waitFor());
    actions.put(
        "ProcessBuilder.startPipeline",
        () ->
            ProcessBuilder.startPipeline(
                List.of(new ProcessBuilder("echo", "x"), new ProcessBuilder("cat"))));
    actions.put(
        "System.setOut",
        () -> {
          System.setOut(System.out);
          return null;
        });
    actions.put("System.setProperty", () -> System.setProperty("toolguard.test", "set by a tool"));
    actions.put("System.clearProperty", () -> System.clearProperty("user.home"));
    actions.put(
        "Locale.setDefault",
        () -> {
          java.util.Locale.setDefault(java.util.Locale.getDefault());
          return null;
        });
    actions.put(
        "Thread.setDefaultUncaughtExceptionHandler",
        () -> {
          Thread.setDefaultUncaughtExceptionHandler(Thread.getDefaultUncaughtExceptionHandler());
          return null;
        });
    actions.put(
        "setAccessible on toolguard's dispatcher",
        () -> {
          Field hooks =
              Class.forName("io.toolguard.bootstrap.Dispatcher").getDeclaredField("hooks");
          hooks.setAccessible(true);
          return hooks.get(null);
        });
    actions.put(
        "trySetAccessible on toolguard's dispatcher",
        () -> {
          Field hooks =
              Class.forName("io.toolguard.bootstrap.Dispatcher").getDeclaredField("hooks");
          if (!hooks.trySetAccessible()) {
            throw new IllegalStateException("trySetAccessible said no without toolguard");
          }
          return hooks.get(null);
        });
    actions.put(
        "privateLookupIn toolguard's dispatcher",
        () ->
            MethodHandles.privateLookupIn(
                Class.forName("io.toolguard.bootstrap.Dispatcher"), MethodHandles.lookup()));
    actions.put(
        "Unsafe.staticFieldOffset of toolguard's dispatcher",
        () -> {
          Field theUnsafe = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
          theUnsafe.setAccessible(true);
          Object unsafe = theUnsafe.get(null);
          Field hooks =
              Class.forName("io.toolguard.bootstrap.Dispatcher").getDeclaredField("hooks");
          return unsafe
              .getClass()
              .getMethod("staticFieldOffset", Field.class)
              .invoke(unsafe, hooks);
        });
    actions.put(
        "calling the dispatcher's install",
        () ->
            Class.forName("io.toolguard.bootstrap.Dispatcher")
                .getMethod("install", Class.forName("io.toolguard.bootstrap.Dispatcher$Hooks"))
                .invoke(null, (Object) null));
    for (Map.Entry<String, Callable<?>> action : actions.entrySet()) {
      try {
        Object result = FileRoutesApp.fs(action.getValue());
        System.out.println("JVM " + action.getKey() + " NOT-DENIED returned " + result);
      } catch (Throwable failure) {
        System.out.println(
            "JVM "
                + action.getKey()
                + (FileRoutesApp.isDenial(failure) || refused(failure)
                    ? " denied"
                    : " NOT-DENIED failed " + failure));
      }
    }
    Field own = JvmWork.class.getDeclaredField("ownField");
    for (Map.Entry<String, Callable<?>> outside :
        List.<Map.Entry<String, Callable<?>>>of(
            Map.entry(
                "System.setProperty",
                () -> System.setProperty("toolguard.test", "set outside tools")),
            Map.entry("ProcessBuilder.start", () -> new ProcessBuilder("true").start().waitFor()),
            Map.entry(
                "Runtime.addShutdownHook",
                () -> {
                  Runtime.getRuntime().addShutdownHook(new Thread(() -> {}));
                  return null;
                }),
            Map.entry(
                "setAccessible on the application's own class (inside a tool)",
                () ->
                    FileRoutesApp.fs(
                        () -> {
                          own.setAccessible(true);
                          return own.get(null);
                        })))) {
      try {
        outside.getValue().call();
        System.out.println("OUTSIDE " + outside.getKey() + " ok");
      } catch (Exception failed) {
        System.out.println("OUTSIDE " + outside.getKey() + " FAILED " + failed);
      }
    }
  }

  /** A second install is refused by the dispatcher itself (a null one by its argument check). */
  private static boolean refused(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof NullPointerException || cause instanceof IllegalStateException) {
        return cause.getStackTrace().length > 0
            && cause.getStackTrace()[0].getClassName().startsWith("io.toolguard");
      }
    }
    return false;
  }
}
