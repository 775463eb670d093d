package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.ProxySelector;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.prefs.Preferences;

/**
 * Code in a tool changes state the whole JVM shares through instance methods: the one {@code
 * LogManager}'s configuration, another running thread's loader, handler, name or priority, the
 * user's preferences (which the JDK writes out later, outside the tool), and process-wide defaults.
 * Run with {@code -Djava.util.prefs.userRoot=…}. Prints {@code STATE name harm: …} or {@code STATE
 * name denied}; {@code LEGIT name ok} for what tools do every day (the JVM's first logging, their
 * own thread, a pool of their own, reading a preference); then {@code OUTSIDE name ok} for the
 * application changing the same state itself.
 */
public final class JvmStateApp {

  /** A logger the application keeps, whose level a planted configuration changes. */
  private static final String MARKED = "io.toolguard.it.marked";

  private JvmStateApp() {}

  @Tool(name = "state", risk = Risk.LOW)
  static String state(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    Thread worker =
        new Thread(
            () -> {
              try {
                done.await();
              } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
              }
            },
            "application-worker");
    worker.start();
    ClassLoader workerLoader = worker.getContextClassLoader();

    Map<String, Callable<String>> legit = new LinkedHashMap<>();
    legit.put(
        "the JVM's first logging",
        () -> {
          Logger.getLogger("io.toolguard.it.tool").fine("set up inside a tool");
          return Logger.getLogger("").getHandlers().length > 0 ? "ok" : "no handlers";
        });
    ToolRoutes.report("LEGIT", legit, JvmStateApp::state);
    Logger marked = Logger.getLogger(MARKED);

    Map<String, Callable<String>> routes = new LinkedHashMap<>();
    routes.put(
        "LogManager.reset",
        () -> {
          LogManager.getLogManager().reset();
          return Logger.getLogger("").getHandlers().length == 0
              ? "harm: removed the application's log handlers"
              : "nothing";
        });
    routes.put(
        "LogManager.readConfiguration",
        () -> {
          LogManager.getLogManager().readConfiguration(stream(".level=OFF\nhandlers=\n"));
          return Level.OFF.equals(Logger.getLogger("").getLevel())
              ? "harm: turned the application's logging off"
              : "nothing";
        });
    routes.put(
        "LogManager.updateConfiguration",
        () -> {
          LogManager.getLogManager()
              .updateConfiguration(
                  stream(MARKED + ".level=FINEST\n"), key -> (old, planted) -> planted);
          return Level.FINEST.equals(marked.getLevel())
              ? "harm: changed the level of the application's logger"
              : "nothing";
        });
    routes.put(
        "another thread's context class loader",
        () -> {
          ClassLoader planted = new URLClassLoader(new URL[0], null);
          worker.setContextClassLoader(planted);
          return worker.getContextClassLoader() == planted
              ? "harm: planted a class loader on the application's thread"
              : "nothing";
        });
    routes.put(
        "another thread's uncaught-exception handler",
        () -> {
          Thread.UncaughtExceptionHandler planted = (thread, failure) -> {};
          worker.setUncaughtExceptionHandler(planted);
          return worker.getUncaughtExceptionHandler() == planted
              ? "harm: planted a handler on the application's thread"
              : "nothing";
        });
    routes.put(
        "another thread's name",
        () -> {
          worker.setName("renamed-by-a-tool");
          return worker.getName().equals("renamed-by-a-tool")
              ? "harm: renamed the application's thread"
              : "nothing";
        });
    routes.put(
        "another thread's priority",
        () -> {
          worker.setPriority(Thread.MIN_PRIORITY);
          return worker.getPriority() == Thread.MIN_PRIORITY
              ? "harm: lowered the priority of the application's thread"
              : "nothing";
        });
    routes.put(
        "Preferences.put",
        () -> {
          Preferences.userRoot().node("toolguard-it").put("planted", "by-a-tool");
          return "harm: changed the user's preferences, which the JDK writes out later";
        });
    routes.put(
        "Preferences.importPreferences",
        () -> {
          Preferences.importPreferences(
              stream(
                  """
                  <?xml version="1.0" encoding="UTF-8"?>
                  <!DOCTYPE preferences SYSTEM "http://java.sun.com/dtd/preferences.dtd">
                  <preferences EXTERNAL_XML_VERSION="1.0">
                    <root type="user"><map/>
                      <node name="toolguard-it"><map>
                        <entry key="imported" value="planted-by-import"/>
                      </map></node>
                    </root>
                  </preferences>
                  """));
          return "harm: imported preferences, which the JDK writes out later";
        });
    routes.put(
        "Preferences.removeNode",
        () -> {
          Preferences.userRoot().node("toolguard-it-app").removeNode();
          return "harm: removed the application's preferences";
        });
    routes.put(
        "TimeZone.setDefault",
        () -> {
          TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
          return "harm: changed the JVM's time zone to " + TimeZone.getDefault().getID();
        });
    routes.put(
        "CookieHandler.setDefault",
        () -> {
          CookieHandler.setDefault(new CookieManager());
          return "harm: planted a cookie handler";
        });
    routes.put(
        "ProxySelector.setDefault",
        () -> {
          ProxySelector.setDefault(ProxySelector.of(null));
          return "harm: planted a proxy selector";
        });
    routes.put(
        "Authenticator.setDefault",
        () -> {
          Authenticator.setDefault(new Authenticator() {});
          return "harm: planted an authenticator";
        });
    routes.put(
        "System.setErr",
        () -> {
          PrintStream err = System.err;
          System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
          return "harm: replaced System.err";
        });
    routes.put(
        "System.setIn",
        () -> {
          System.setIn(stream("planted input"));
          return "harm: replaced System.in";
        });
    // The application's own preferences, which one route tries to remove.
    Preferences.userRoot().node("toolguard-it-app").put("kept", "by-the-application");
    ToolRoutes.report("STATE", routes, JvmStateApp::state);

    Map<String, Callable<String>> everyday = new LinkedHashMap<>();
    everyday.put(
        "its own thread's name and loader",
        () -> {
          Thread self = Thread.currentThread();
          String name = self.getName();
          ClassLoader loader = self.getContextClassLoader();
          self.setName("tool-at-work");
          self.setContextClassLoader(new URLClassLoader(new URL[0], loader));
          self.setContextClassLoader(loader);
          self.setName(name);
          return "ok";
        });
    everyday.put(
        "a pool whose factory sets up its threads",
        () -> {
          ExecutorService pool =
              Executors.newFixedThreadPool(
                  2,
                  task -> {
                    Thread thread = new Thread(task);
                    thread.setName("tool-pool");
                    thread.setDaemon(true);
                    thread.setPriority(Thread.NORM_PRIORITY - 1);
                    thread.setUncaughtExceptionHandler((t, failure) -> {});
                    thread.setContextClassLoader(JvmStateApp.class.getClassLoader());
                    return thread;
                  });
          try {
            return pool.submit(() -> Thread.currentThread().getName()).get().equals("tool-pool")
                ? "ok"
                : "wrong thread";
          } finally {
            pool.shutdown();
          }
        });
    everyday.put(
        "reading a preference",
        () -> Preferences.userRoot().node("toolguard-it-reading").get("absent", "ok"));
    ToolRoutes.report("LEGIT", everyday, JvmStateApp::state);

    Map<String, Callable<String>> outside = new LinkedHashMap<>();
    outside.put(
        "LogManager.readConfiguration",
        () -> {
          LogManager.getLogManager().readConfiguration();
          return "ok";
        });
    outside.put(
        "another thread's name",
        () -> {
          worker.setName("application-worker-renamed");
          worker.setContextClassLoader(workerLoader);
          return "ok";
        });
    outside.put(
        "Preferences.put",
        () -> {
          Preferences.userRoot().node("toolguard-it-app").put("outside", "by-the-application");
          return "ok";
        });
    outside.put(
        "TimeZone.setDefault",
        () -> {
          TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
          return "ok";
        });
    for (Map.Entry<String, Callable<String>> route : outside.entrySet()) {
      String outcome;
      try {
        outcome = route.getValue().call();
      } catch (Exception failed) {
        outcome = "failed " + failed;
      }
      System.out.println("OUTSIDE " + route.getKey() + " " + outcome);
    }
    done.countDown();
    worker.join();
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
