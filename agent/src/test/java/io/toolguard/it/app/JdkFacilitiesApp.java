package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.prefs.Preferences;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The application of the JDK-facilities tests: {@code JdkFacilitiesApp BASE SCENARIO}, run with its
 * working folder at {@code BASE/box} (the sandbox, the only folder the tool {@code jdk_user} may
 * touch) and {@code user.home} at {@code BASE/home}; {@code BASE/secret/s.txt} is outside. Prints
 * one line per check:
 *
 * <ul>
 *   <li>scenario {@code logging}, {@code prefs}, {@code management}, {@code awt}, {@code fonts},
 *       {@code imageio}, {@code jfr} or {@code probe}: the tool is the first code in the JVM to use
 *       that facility ({@code TOOL name ok …|FAILED …}, then {@code SANDBOX ok|FAILED …}: the tool
 *       reads its own file), then the application uses it outside any tool ({@code OUTSIDE name ok
 *       …|FAILED …}); for {@code prefs}, also {@code SYNCED yes|no}: the JVM's periodic sync of
 *       preferences still writes them to disk after the tool was the first to use them
 *   <li>scenario {@code application}: the application uses every facility, no tool running ({@code
 *       APPLICATION name ok|FAILED …})
 *   <li>scenario {@code hostile}: tool code reads the secret from its own class's initialiser, from
 *       a lambda it hands to JDK code that initialises a facility, and from a service provider the
 *       JDK instantiates while it initialises {@code ImageIO} ({@code HOSTILE name denied|LEAKED
 *       …|FAILED …}); then the application uses {@code ImageIO} ({@code AFTER imageio ok|FAILED …})
 * </ul>
 */
public final class JdkFacilitiesApp {

  static final List<String> FACILITIES =
      List.of("logging", "prefs", "management", "awt", "fonts", "imageio", "jfr", "probe");

  /** Where the secret lies: set by {@code main} before any tool runs. */
  static volatile Path secret;

  private static Path box;

  private JdkFacilitiesApp() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]).toRealPath();
    box = base.resolve("box");
    secret = base.resolve("secret/s.txt");
    Files.createDirectories(secret.getParent());
    Files.writeString(secret, FileRoutesApp.SECRET);
    Files.writeString(box.resolve("a.txt"), "inside\n");
    Files.writeString(box.resolve("a.tgx"), "inside\n");
    // the user's own content types, which the JDK's detector reads the first time it is asked
    Path home = Path.of(System.getProperty("user.home"));
    Files.createDirectories(home);
    Files.writeString(home.resolve(".mime.types"), "text/x-toolguard tgx\n");
    String scenario = args[1];
    switch (scenario) {
      case "application" -> {
        for (String facility : FACILITIES) {
          System.out.println("APPLICATION " + facility + " " + outcome(() -> use(facility)));
        }
      }
      case "hostile" -> hostile(base);
      default -> firstInATool(scenario);
    }
  }

  /** The one tool: runs what it is handed, so all of it runs inside the tool's context. */
  @Tool(name = "jdk_user", risk = Risk.LOW)
  static Object jdkUser(Callable<?> work) throws Exception {
    return work.call();
  }

  private static void firstInATool(String facility) throws Exception {
    System.out.println("TOOL " + facility + " " + outcome(() -> jdkUser(() -> use(facility))));
    System.out.println(
        "SANDBOX " + outcome(() -> jdkUser(() -> Files.readString(box.resolve("a.txt")).trim())));
    if (facility.equals("prefs")) {
      // The JVM's sync task, scheduled when the tool first used preferences, runs every second
      // (-Djava.util.prefs.syncInterval=1): a value put now reaches the disk without a flush.
      Preferences.userRoot().put("written-outside", "by the application");
      Path stored = Path.of(System.getProperty("user.home"), ".java/.userPrefs/prefs.xml");
      boolean synced = false;
      for (int wait = 0; wait < 50 && !synced; wait++) {
        Thread.sleep(100);
        synced = Files.exists(stored) && Files.readString(stored).contains("by the application");
      }
      System.out.println("SYNCED " + (synced ? "yes" : "no"));
    }
    System.out.println("OUTSIDE " + facility + " " + outcome(() -> use(facility)));
  }

  /** Uses one facility as an application would; the first use initialises it. */
  static Object use(String facility) throws Exception {
    return switch (facility) {
      case "logging" -> {
        Logger.getLogger("jdk-facilities").info("logged");
        yield LogManager.getLogManager().getLogger("jdk-facilities").getName();
      }
      case "prefs" -> Preferences.userRoot().get("absent", "default");
      case "management" ->
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() >= -1
              && ManagementFactory.getRuntimeMXBean().getUptime() > 0
              && ManagementFactory.getPlatformMBeanServer().getMBeanCount() > 0;
      case "awt" -> new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB).getRGB(0, 0);
      case "fonts" -> {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        graphics.drawString("text", 2, 14);
        graphics.dispose();
        yield java.awt.GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getAvailableFontFamilyNames()
                .length
            > 0;
      }
      case "imageio" -> {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        Path png = Files.createTempFile(box, "image", ".png");
        try (OutputStream out = Files.newOutputStream(png);
            MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
          ImageIO.write(image, "png", stream);
        }
        ImageIO.write(image, "png", box.resolve("direct.png").toFile());
        yield List.of(ImageIO.getReaderFormatNames()).contains("png") && Files.size(png) > 0;
      }
      case "jfr" -> jdk.jfr.FlightRecorder.isAvailable() + " " + new jdk.jfr.Recording().getState();
      case "probe" -> Files.probeContentType(box.resolve("a.tgx"));
      default -> throw new IllegalArgumentException(facility);
    };
  }

  private static void hostile(Path base) throws Exception {
    System.out.println(
        "HOSTILE own-class-initialiser "
            + leak(() -> jdkUser(() -> SecretInInitialiser.VALUE), null));
    StringBuilder fromLambda = new StringBuilder();
    System.out.println(
        "HOSTILE lambda-to-jdk-code "
            + leak(
                () ->
                    jdkUser(
                        () -> {
                          // the lambda runs inside Logger.log, the call that initialises logging
                          Logger.getLogger("hostile")
                              .info(
                                  () -> {
                                    fromLambda.append(read(secret));
                                    return "read";
                                  });
                          return fromLambda.toString();
                        }),
                fromLambda));
    // A service provider on the tool's own class loader, found by ImageIO's initialiser through the
    // context class loader the tool set.
    Path plugin = base.resolve("box/plugin/META-INF/services");
    Files.createDirectories(plugin);
    Files.writeString(
        plugin.resolve("javax.imageio.spi.ImageReaderSpi"),
        SecretReadingReaderSpi.class.getName() + "\n");
    System.out.println(
        "HOSTILE service-provider-in-jdk-initialiser "
            + leak(
                () ->
                    jdkUser(
                        () -> {
                          URL[] urls = {base.resolve("box/plugin/").toUri().toURL()};
                          Thread thread = Thread.currentThread();
                          ClassLoader before = thread.getContextClassLoader();
                          try (URLClassLoader loader =
                              new URLClassLoader(urls, JdkFacilitiesApp.class.getClassLoader())) {
                            thread.setContextClassLoader(loader);
                            ImageIO.getReaderFormatNames();
                            return SecretReadingReaderSpi.read;
                          } finally {
                            thread.setContextClassLoader(before);
                          }
                        }),
                null));
    System.out.println("AFTER imageio " + outcome(() -> ImageIO.getReaderFormatNames().length));
  }

  /**
   * {@return {@code denied}, {@code LEAKED …} or {@code FAILED …} for code that reads the secret}
   */
  private static String leak(Callable<?> attempt, CharSequence alsoSeen) {
    Object result;
    try {
      result = attempt.call();
    } catch (Throwable failure) {
      String seen = alsoSeen == null ? "" : alsoSeen.toString();
      if (seen.contains(FileRoutesApp.SECRET)
          || String.valueOf(SecretReadingReaderSpi.read).contains(FileRoutesApp.SECRET)) {
        return "LEAKED " + seen + SecretReadingReaderSpi.read;
      }
      return FileRoutesApp.isDenial(failure) ? "denied" : "FAILED " + failure;
    }
    return String.valueOf(result).contains(FileRoutesApp.SECRET)
        ? "LEAKED " + result
        : "FAILED returned " + result;
  }

  private static String outcome(Callable<?> work) {
    try {
      return "ok " + work.call();
    } catch (Throwable failure) {
      return "FAILED " + failure;
    }
  }

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tool's own class, which reads the secret as it is initialised. */
  static final class SecretInInitialiser {
    static final String VALUE = read(secret);

    private SecretInInitialiser() {}
  }
}
