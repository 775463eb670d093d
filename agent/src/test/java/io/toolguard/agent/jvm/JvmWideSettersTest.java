package io.toolguard.agent.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;

/**
 * Every public static method of the JDK that sets something for the whole JVM is a JVM-wide action
 * inside tools. The list is read from the JDK at hand, not written from memory: every public static
 * method named {@code set…}, {@code install…}, {@code register…} or {@code reset…} (and {@code
 * Signal}'s {@code handle} and {@code raise}) of a public class in an exported package of the
 * modules below must be either woven as a JVM-wide action or reviewed here, with the reason it is
 * not one. A JDK that adds such a method fails this test until someone decides.
 */
class JvmWideSettersTest {

  /** The modules whose settings an application's agent can reach. */
  private static final List<String> MODULES =
      List.of(
          "java.base",
          "java.logging",
          "java.net.http",
          "java.naming",
          "java.rmi",
          "java.sql",
          "java.desktop",
          "java.management",
          "java.prefs",
          "java.xml",
          "java.scripting",
          "jdk.httpserver",
          "jdk.jfr",
          "jdk.unsupported");

  /** Setters that are not JVM-wide actions, by class (or package, ending in a dot), and why. */
  private static final Map<String, String> REVIEWED =
      Map.ofEntries(
          Map.entry("java.lang.reflect.Array.", "sets an element of an array the caller holds"),
          Map.entry("java.util.Arrays.setAll", "fills an array the caller holds"),
          Map.entry(
              "java.nio.file.Files.",
              "changes a file's attributes: a file access, decided by the file checks"),
          Map.entry(
              "java.lang.reflect.AccessibleObject.setAccessible",
              "decided where every setAccessible is, in checkCanSetAccessible"),
          Map.entry(
              "java.util.concurrent.locks.LockSupport.setCurrentBlocker",
              "describes what the calling thread itself waits for"),
          Map.entry(
              "java.nio.file.spi.FileSystemProvider.installedProviders", "reads, sets nothing"),
          Map.entry(
              "java.net.URLConnection.setDefaultRequestProperty",
              "does nothing since JDK 1.3 (deprecated)"),
          Map.entry(
              "java.sql.DriverManager.",
              "JDBC drivers register themselves as their classes initialise, so a tool that loads"
                  + " one does this as ordinary work; a driver a tool plants is a planted callback,"
                  + " listed among what promise two does not hold yet"),
          Map.entry(
              "jdk.jfr.FlightRecorder.register",
              "registers an event class; recordings are decided where they start"),
          Map.entry(
              "java.awt.",
              "the state of a graphical user interface, which a server-side agent does not show"),
          Map.entry(
              "javax.swing.",
              "the state of a graphical user interface, which a server-side agent does not show"),
          Map.entry(
              "javax.print.",
              "print services of a graphical user interface, which a server-side agent does not"
                  + " show"));

  @Test
  void everyJvmWideSetterOfTheJdkIsWovenOrReviewed() throws IOException {
    Set<String> woven = woven();
    Set<String> neither = new TreeSet<>();
    for (Method setter : setters()) {
      String name = setter.getDeclaringClass().getName() + "." + setter.getName();
      String signature = name + Type.getMethodDescriptor(setter);
      if (!woven.contains(signature) && REVIEWED.keySet().stream().noneMatch(name::startsWith)) {
        neither.add(signature);
      }
    }
    assertThat(neither)
        .as("JVM-wide setters of this JDK that are neither woven nor reviewed")
        .isEmpty();
  }

  @Test
  void theScanFindsTheSettersItIsAbout() throws IOException {
    assertThat(setters())
        .extracting(setter -> setter.getDeclaringClass().getName() + "." + setter.getName())
        .contains(
            "java.net.ResponseCache.setDefault",
            "javax.net.ssl.SSLContext.setDefault",
            "java.lang.System.setOut",
            "sun.misc.Signal.handle",
            "java.lang.reflect.Array.set");
    assertThat(woven())
        .contains(
            "java.net.ResponseCache.setDefault(Ljava/net/ResponseCache;)V",
            "javax.net.ssl.HttpsURLConnection.setDefaultHostnameVerifier"
                + "(Ljavax/net/ssl/HostnameVerifier;)V");
  }

  /**
   * Instance methods change the JVM as a whole too, where the object is the JVM's one (the {@code
   * LogManager}, the user's preferences, a running thread), and so do the routes past the JVM:
   * native code, attaching, a serialization constructor of {@code Unsafe}. The scan above finds
   * static setters only: these are listed by hand.
   */
  @Test
  void theInstanceMethodsAndRoutesPastTheJvmAreWoven() {
    assertThat(woven())
        .contains(
            "java.util.logging.LogManager.reset()V",
            "java.util.logging.LogManager.readConfiguration()V",
            "java.util.logging.LogManager.readConfiguration(Ljava/io/InputStream;)V",
            "java.util.logging.LogManager.updateConfiguration(Ljava/util/function/Function;)V",
            "java.util.logging.LogManager.updateConfiguration"
                + "(Ljava/io/InputStream;Ljava/util/function/Function;)V",
            "java.util.prefs.AbstractPreferences.put(Ljava/lang/String;Ljava/lang/String;)V",
            "java.util.prefs.AbstractPreferences.remove(Ljava/lang/String;)V",
            "java.util.prefs.AbstractPreferences.removeNode()V",
            "java.lang.Thread.setContextClassLoader(Ljava/lang/ClassLoader;)V",
            "java.lang.Thread.setUncaughtExceptionHandler"
                + "(Ljava/lang/Thread$UncaughtExceptionHandler;)V",
            "java.lang.Thread.setName(Ljava/lang/String;)V",
            "java.lang.Runtime.load0(Ljava/lang/Class;Ljava/lang/String;)V",
            "java.lang.Runtime.loadLibrary0(Ljava/lang/Class;Ljava/lang/String;)V",
            "sun.tools.attach.HotSpotVirtualMachine.<init>"
                + "(Lcom/sun/tools/attach/spi/AttachProvider;Ljava/lang/String;)V",
            "sun.reflect.ReflectionFactory.newConstructorForSerialization"
                + "(Ljava/lang/Class;Ljava/lang/reflect/Constructor;)Ljava/lang/reflect/Constructor;");
  }

  /**
   * Every restricted method of this JDK (the FFM API's; JNI's from JDK 24) asks {@code
   * Reflection.ensureNativeAccess} first: one of its signatures is woven.
   */
  @Test
  void theJdksOneCheckForRestrictedMethodsIsWoven() throws Exception {
    Set<String> signatures = new TreeSet<>();
    for (Method method : Class.forName("jdk.internal.reflect.Reflection").getDeclaredMethods()) {
      if (method.getName().equals("ensureNativeAccess")) {
        signatures.add(
            "jdk.internal.reflect.Reflection.ensureNativeAccess"
                + Type.getMethodDescriptor(method));
      }
    }
    assertThat(signatures).isNotEmpty();
    assertThat(woven()).containsAll(signatures);
  }

  /** {@return every JVM-wide action woven, as {@code class.method(descriptor)}} */
  private static Set<String> woven() {
    return JvmHooks.forThisJvm().entrySet().stream()
        .flatMap(
            entry ->
                entry.getValue().stream()
                    .filter(JvmWideSettersTest::isJvmAction)
                    .map(hook -> entry.getKey().replace('/', '.') + "." + hook.signature()))
        .collect(Collectors.toSet());
  }

  private static boolean isJvmAction(Hook hook) {
    return hook.insertions().stream()
        .anyMatch(
            insertion ->
                insertion instanceof Insertion.Check check && check.method().equals("jvmAction"));
  }

  /** {@return the public static setters of public classes in the exported packages of MODULES} */
  private static List<Method> setters() throws IOException {
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    List<Method> setters = new java.util.ArrayList<>();
    for (String moduleName : MODULES) {
      Module module = ModuleLayer.boot().findModule(moduleName).orElse(null);
      if (module == null) {
        continue;
      }
      Set<String> exported =
          module.getDescriptor().exports().stream()
              .filter(export -> !export.isQualified())
              .map(ModuleDescriptor.Exports::source)
              .collect(Collectors.toSet());
      Path root = jrt.getPath("/modules", moduleName);
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String relative = root.relativize(file).toString();
          if (!relative.endsWith(".class") || relative.equals("module-info.class")) {
            continue;
          }
          String className = relative.substring(0, relative.length() - 6).replace('/', '.');
          int dot = className.lastIndexOf('.');
          if (dot < 0 || !exported.contains(className.substring(0, dot))) {
            continue;
          }
          Class<?> type = load(module, className);
          if (type == null || !Modifier.isPublic(type.getModifiers())) {
            continue;
          }
          for (Method method : type.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers())
                && Modifier.isStatic(method.getModifiers())
                && isSetter(type, method.getName())) {
              setters.add(method);
            }
          }
        }
      }
    }
    return setters;
  }

  private static boolean isSetter(Class<?> type, String method) {
    return method.startsWith("set")
        || method.startsWith("install")
        || method.startsWith("register")
        || method.startsWith("reset")
        || (type.getName().equals("sun.misc.Signal")
            && (method.equals("handle") || method.equals("raise")));
  }

  private static Class<?> load(Module module, String className) {
    try {
      return Class.forName(className, false, module.getClassLoader());
    } catch (ClassNotFoundException | LinkageError unloadable) {
      return null;
    }
  }
}
