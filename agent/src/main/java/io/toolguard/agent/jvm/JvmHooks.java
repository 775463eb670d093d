package io.toolguard.agent.jvm;

import static io.toolguard.agent.weave.Insertion.Check.jvmAction;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Constant;
import io.toolguard.agent.weave.Insertion.Receiver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the JDK changes the whole JVM, or opens a class up by reflection: each gets a call to
 * {@code Dispatcher.jvmAction} at its start. The process-wide settings are every public static
 * setter of the JDK's exported packages that changes state shared by the whole JVM ({@code
 * JvmWideSettersTest} lists them from the JDK itself, and fails when a JDK adds one), plus the
 * instance methods that change what everyone shares ({@code URLConnection.setDefaultUseCaches}, the
 * {@code LogManager}, preferences, another thread's settings). Native code is caught where every
 * restricted method and JNI load is decided, attaching where every HotSpot attachment is made.
 * Reflection is caught where every {@code setAccessible}, {@code trySetAccessible} and {@code
 * privateLookupIn} is decided, where a lookup reads a field or finds a method (for an {@code
 * Unsafe}), and where {@code sun.misc.Unsafe} turns a field into an address.
 */
public final class JvmHooks {

  private JvmHooks() {}

  /** {@return the hooks by internal class name} */
  public static Map<String, List<Hook>> forThisJvm() {
    Map<String, List<Hook>> hooks = new LinkedHashMap<>();
    hooks.put(
        "java/lang/Runtime",
        List.of(
            action("exit", "(I)V", "exit the JVM"),
            action("halt", "(I)V", "halt the JVM"),
            action("addShutdownHook", "(Ljava/lang/Thread;)V", "add a shutdown hook"),
            action("removeShutdownHook", "(Ljava/lang/Thread;)Z", "remove a shutdown hook"),
            action("load0", "(Ljava/lang/Class;Ljava/lang/String;)V", "load a native library"),
            action(
                "loadLibrary0",
                "(Ljava/lang/Class;Ljava/lang/String;)V",
                "load a native library")));
    hooks.put(
        "java/lang/System",
        List.of(
            action("setIn", "(Ljava/io/InputStream;)V", "replace System.in"),
            action("setOut", "(Ljava/io/PrintStream;)V", "replace System.out"),
            action("setErr", "(Ljava/io/PrintStream;)V", "replace System.err"),
            action(
                "setProperty",
                "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;",
                "set a system property"),
            action(
                "clearProperty",
                "(Ljava/lang/String;)Ljava/lang/String;",
                "clear a system property"),
            action("setProperties", "(Ljava/util/Properties;)V", "replace the system properties"),
            action(
                "setSecurityManager",
                "(Ljava/lang/SecurityManager;)V",
                "install a security manager")));
    hooks.put(
        "java/lang/Thread",
        List.of(
            // Decided on the thread: only toolguard's own may not be interrupted or stopped.
            Hook.at("interrupt", "()V", jvmAction(new Receiver())),
            Hook.optional("stop", "()V", jvmAction(new Receiver())),
            Hook.optional("suspend", "()V", jvmAction(new Receiver())),
            // Decided on the thread too: a tool changes only its own and those not started yet.
            Hook.at("setContextClassLoader", "(Ljava/lang/ClassLoader;)V", onThread()),
            Hook.at(
                "setUncaughtExceptionHandler",
                "(Ljava/lang/Thread$UncaughtExceptionHandler;)V",
                onThread()),
            Hook.at("setName", "(Ljava/lang/String;)V", onThread()),
            Hook.at("setPriority", "(I)V", onThread()),
            Hook.at("setDaemon", "(Z)V", onThread()),
            action(
                "setDefaultUncaughtExceptionHandler",
                "(Ljava/lang/Thread$UncaughtExceptionHandler;)V",
                "replace the default uncaught-exception handler")));
    hooks.put(
        "java/net/URL",
        List.of(
            action(
                "setURLStreamHandlerFactory",
                "(Ljava/net/URLStreamHandlerFactory;)V",
                "install a URL stream handler factory")));
    hooks.put(
        "java/net/ProxySelector",
        List.of(
            action(
                "setDefault",
                "(Ljava/net/ProxySelector;)V",
                "replace the default proxy selector")));
    hooks.put(
        "java/net/Authenticator",
        List.of(
            action(
                "setDefault", "(Ljava/net/Authenticator;)V", "replace the default authenticator")));
    hooks.put(
        "java/net/CookieHandler",
        List.of(
            action(
                "setDefault",
                "(Ljava/net/CookieHandler;)V",
                "replace the default cookie handler")));
    hooks.put(
        "java/util/TimeZone",
        List.of(action("setDefault", "(Ljava/util/TimeZone;)V", "change the default time zone")));
    hooks.put(
        "java/util/Locale",
        List.of(
            action("setDefault", "(Ljava/util/Locale;)V", "change the default locale"),
            action(
                "setDefault",
                "(Ljava/util/Locale$Category;Ljava/util/Locale;)V",
                "change the default locale")));
    hooks.put(
        "java/security/Security",
        List.of(
            action(
                "setProperty",
                "(Ljava/lang/String;Ljava/lang/String;)V",
                "set a security property"),
            action(
                "insertProviderAt", "(Ljava/security/Provider;I)I", "install a security provider"),
            action("removeProvider", "(Ljava/lang/String;)V", "remove a security provider")));
    // Process-wide defaults of the network stack: whoever sets them decides for every later
    // connection of the application, outside tools too (where code a tool planted would run free).
    hooks.put(
        "java/net/ResponseCache",
        List.of(
            action(
                "setDefault",
                "(Ljava/net/ResponseCache;)V",
                "replace the default HTTP response cache")));
    hooks.put(
        "java/net/URLConnection",
        List.of(
            action("setFileNameMap", "(Ljava/net/FileNameMap;)V", "replace the file name map"),
            action(
                "setContentHandlerFactory",
                "(Ljava/net/ContentHandlerFactory;)V",
                "install a content handler factory"),
            action(
                "setDefaultAllowUserInteraction",
                "(Z)V",
                "change whether connections may interact with a user"),
            action(
                "setDefaultUseCaches",
                "(Ljava/lang/String;Z)V",
                "change whether connections use caches"),
            action("setDefaultUseCaches", "(Z)V", "change whether connections use caches")));
    hooks.put(
        "java/net/HttpURLConnection",
        List.of(
            action("setFollowRedirects", "(Z)V", "change whether HTTP redirects are followed")));
    hooks.put(
        "java/net/Socket",
        List.of(
            action(
                "setSocketImplFactory",
                "(Ljava/net/SocketImplFactory;)V",
                "install a socket implementation factory")));
    hooks.put(
        "java/net/ServerSocket",
        List.of(
            action(
                "setSocketFactory",
                "(Ljava/net/SocketImplFactory;)V",
                "install a server socket implementation factory")));
    hooks.put(
        "java/net/DatagramSocket",
        List.of(
            action(
                "setDatagramSocketImplFactory",
                "(Ljava/net/DatagramSocketImplFactory;)V",
                "install a datagram socket implementation factory")));
    hooks.put(
        "javax/net/ssl/SSLContext",
        List.of(
            action(
                "setDefault", "(Ljavax/net/ssl/SSLContext;)V", "replace the default TLS context")));
    hooks.put(
        "javax/net/ssl/HttpsURLConnection",
        List.of(
            action(
                "setDefaultHostnameVerifier",
                "(Ljavax/net/ssl/HostnameVerifier;)V",
                "replace the default TLS host name verifier"),
            action(
                "setDefaultSSLSocketFactory",
                "(Ljavax/net/ssl/SSLSocketFactory;)V",
                "replace the default TLS socket factory")));
    // The JVM's security and deserialization settings.
    hooks.put(
        "java/io/ObjectInputFilter$Config",
        List.of(
            action(
                "setSerialFilter",
                "(Ljava/io/ObjectInputFilter;)V",
                "replace the JVM-wide deserialization filter"),
            action(
                "setSerialFilterFactory",
                "(Ljava/util/function/BinaryOperator;)V",
                "replace the JVM-wide deserialization filter factory")));
    hooks.put(
        "java/security/Policy",
        List.of(action("setPolicy", "(Ljava/security/Policy;)V", "replace the security policy")));
    hooks.put(
        "javax/security/auth/login/Configuration",
        List.of(
            action(
                "setConfiguration",
                "(Ljavax/security/auth/login/Configuration;)V",
                "replace the login configuration")));
    hooks.put(
        "java/time/zone/ZoneRulesProvider",
        List.of(
            action(
                "registerProvider",
                "(Ljava/time/zone/ZoneRulesProvider;)V",
                "register time-zone rules")));
    // Signals: a handler runs later on the JVM's signal thread, outside every tool; raising one
    // can end the JVM.
    hooks.put(
        "sun/misc/Signal",
        List.of(
            action(
                "handle",
                "(Lsun/misc/Signal;Lsun/misc/SignalHandler;)Lsun/misc/SignalHandler;",
                "install a signal handler"),
            action("raise", "(Lsun/misc/Signal;)V", "raise a signal")));
    // Decided on the process: only one this JVM started (or a descendant of one) is the tool's to
    // read about or end; the JVM's own information holds its command line.
    hooks.put(
        "java/lang/ProcessHandleImpl",
        List.of(
            Hook.at("info", "()Ljava/lang/ProcessHandle$Info;", jvmAction(new Receiver())),
            Hook.at("destroy", "()Z", jvmAction(new Receiver())),
            Hook.at("destroyForcibly", "()Z", jvmAction(new Receiver()))));
    if (hasModule("java.management")) {
      management(hooks);
    }
    if (hasModule("jdk.management")) {
      hotSpotManagement(hooks);
    }
    if (hasModule("jdk.jfr")) {
      flightRecorder(hooks);
    }
    if (hasModule("java.naming")) {
      naming(hooks);
    }
    if (hasModule("java.rmi")) {
      rmi(hooks);
    }
    if (hasModule("java.desktop")) {
      desktop(hooks);
    }
    if (hasModule("java.logging")) {
      logging(hooks);
    }
    if (hasModule("java.prefs")) {
      preferences(hooks);
    }
    if (hasModule("jdk.attach")) {
      attach(hooks);
    }
    if (hasModule("java.instrument")) {
      instrumentation(hooks);
    }
    nativeCode(hooks);
    // Decided on the field, method or constructor being opened: toolguard's own, and whatever
    // hands out sun.misc.Unsafe, stay closed.
    hooks.put(
        "java/lang/reflect/AccessibleObject",
        List.of(
            Hook.at(
                "checkCanSetAccessible",
                "(Ljava/lang/Class;Ljava/lang/Class;Z)Z",
                jvmAction(new Receiver()))));
    hooks.put(
        "java/lang/invoke/MethodHandles",
        List.of(
            Hook.at(
                "privateLookupIn",
                "(Ljava/lang/Class;Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/invoke/MethodHandles$Lookup;",
                jvmAction(new Argument(0)))));
    // A lookup with private access reads a field of type Unsafe (a library's) without
    // setAccessible: decided on the field's type, or on the field.
    String lookup = "java/lang/invoke/MethodHandles$Lookup";
    String byName = "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)";
    hooks.put(
        lookup,
        List.of(
            Hook.at(
                "findStaticGetter",
                byName + "Ljava/lang/invoke/MethodHandle;",
                jvmAction(new Argument(2))),
            Hook.at(
                "findGetter",
                byName + "Ljava/lang/invoke/MethodHandle;",
                jvmAction(new Argument(2))),
            Hook.at(
                "findStaticVarHandle",
                byName + "Ljava/lang/invoke/VarHandle;",
                jvmAction(new Argument(2))),
            Hook.at(
                "findVarHandle",
                byName + "Ljava/lang/invoke/VarHandle;",
                jvmAction(new Argument(2))),
            // A method that returns an Unsafe (a library's private getter): decided on its type.
            Hook.at(
                "findStatic",
                "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
                jvmAction(new Argument(2))),
            Hook.at(
                "findVirtual",
                "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
                jvmAction(new Argument(2))),
            Hook.at(
                "unreflect",
                "(Ljava/lang/reflect/Method;)Ljava/lang/invoke/MethodHandle;",
                jvmAction(new Argument(0))),
            Hook.at(
                "unreflectGetter",
                "(Ljava/lang/reflect/Field;)Ljava/lang/invoke/MethodHandle;",
                jvmAction(new Argument(0))),
            Hook.at(
                "unreflectVarHandle",
                "(Ljava/lang/reflect/Field;)Ljava/lang/invoke/VarHandle;",
                jvmAction(new Argument(0)))));
    hooks.put(
        "sun/misc/Unsafe",
        List.of(
            Hook.optional(
                "staticFieldOffset", "(Ljava/lang/reflect/Field;)J", jvmAction(new Argument(0))),
            Hook.optional(
                "objectFieldOffset", "(Ljava/lang/reflect/Field;)J", jvmAction(new Argument(0))),
            Hook.optional(
                "staticFieldBase",
                "(Ljava/lang/reflect/Field;)Ljava/lang/Object;",
                jvmAction(new Argument(0)))));
    // jdk.unsupported's serialization constructor makes an object of any class, Unsafe too,
    // without running its constructor and without setAccessible.
    hooks.put(
        "sun/reflect/ReflectionFactory",
        List.of(
            Hook.at(
                "newConstructorForSerialization",
                "(Ljava/lang/Class;Ljava/lang/reflect/Constructor;)Ljava/lang/reflect/Constructor;",
                jvmAction(new Argument(0))),
            Hook.at(
                "newConstructorForSerialization",
                "(Ljava/lang/Class;)Ljava/lang/reflect/Constructor;",
                jvmAction(new Argument(0)))));
    return hooks;
  }

  /**
   * Native code runs past every check. JNI libraries are loaded where {@code System.load}, {@code
   * System.loadLibrary} and {@code Runtime}'s twins meet; every restricted method (the FFM API's
   * downcalls, upcalls, library lookups and raw memory; JNI too from JDK 24) first asks {@code
   * Reflection.ensureNativeAccess}, whose signature changed with the JDK: on 17 only the incubating
   * {@code jdk.incubator.foreign} calls it, a module a JVM resolves only when told to.
   */
  private static void nativeCode(Map<String, List<Hook>> hooks) {
    String restricted = "call a restricted method (native code or raw memory)";
    hooks.put(
        "jdk/internal/reflect/Reflection",
        List.of(
            optionalAction("ensureNativeAccess", "(Ljava/lang/Class;)V", restricted),
            optionalAction(
                "ensureNativeAccess",
                "(Ljava/lang/Class;Ljava/lang/Class;Ljava/lang/String;)V",
                restricted),
            optionalAction(
                "ensureNativeAccess",
                "(Ljava/lang/Class;Ljava/lang/Class;Ljava/lang/String;Z)V",
                restricted)));
  }

  /** The logging configuration is the whole JVM's: one {@code LogManager} serves every logger. */
  private static void logging(Map<String, List<Hook>> hooks) {
    String configure = "change the logging configuration";
    hooks.put(
        "java/util/logging/LogManager",
        List.of(
            action("reset", "()V", "reset the logging configuration"),
            action("readConfiguration", "()V", configure),
            action("readConfiguration", "(Ljava/io/InputStream;)V", configure),
            action("updateConfiguration", "(Ljava/util/function/Function;)V", configure),
            action(
                "updateConfiguration",
                "(Ljava/io/InputStream;Ljava/util/function/Function;)V",
                configure),
            action(
                "addConfigurationListener",
                "(Ljava/lang/Runnable;)Ljava/util/logging/LogManager;",
                "add a logging configuration listener")));
  }

  /**
   * Preferences are the user's, shared by every JVM they run: the JDK's sync timer writes a change
   * to disk later, outside the tool; a listener runs later on the JDK's event thread. Reading stays
   * open. Every write ({@code putInt}, {@code clear}, {@code importPreferences}…) ends in {@code
   * put} or {@code remove}.
   */
  private static void preferences(Map<String, List<Hook>> hooks) {
    hooks.put(
        "java/util/prefs/AbstractPreferences",
        List.of(
            action("put", "(Ljava/lang/String;Ljava/lang/String;)V", "change a preference"),
            action("remove", "(Ljava/lang/String;)V", "change a preference"),
            action("removeNode", "()V", "remove a preferences node"),
            action(
                "addPreferenceChangeListener",
                "(Ljava/util/prefs/PreferenceChangeListener;)V",
                "add a preferences listener"),
            action(
                "addNodeChangeListener",
                "(Ljava/util/prefs/NodeChangeListener;)V",
                "add a preferences listener")));
  }

  /**
   * Attaching reaches any JVM of the user, this one too (with {@code jdk.attach.allowAttachSelf}):
   * its properties, and loading an agent into it. Every HotSpot attachment is made by this
   * constructor, whichever provider or {@code VirtualMachine.attach} overload asked.
   */
  private static void attach(Map<String, List<Hook>> hooks) {
    hooks.put(
        "sun/tools/attach/HotSpotVirtualMachine",
        List.of(
            action(
                "<init>",
                "(Lcom/sun/tools/attach/spi/AttachProvider;Ljava/lang/String;)V",
                "attach to a JVM")));
  }

  /**
   * An agent's {@code Instrumentation} changes the JVM's classes: a library that hands it out (the
   * OpenTelemetry agent's {@code InstrumentationHolder}, Byte Buddy's {@code ByteBuddyAgent}) would
   * let a tool rewrite any class, toolguard's own among them.
   */
  private static void instrumentation(Map<String, List<Hook>> hooks) {
    String transformer = "Ljava/lang/instrument/ClassFileTransformer;";
    hooks.put(
        "sun/instrument/InstrumentationImpl",
        List.of(
            action("addTransformer", "(" + transformer + "Z)V", "add a class file transformer"),
            action(
                "removeTransformer", "(" + transformer + ")Z", "remove a class file transformer"),
            action("retransformClasses", "([Ljava/lang/Class;)V", "retransform classes"),
            action(
                "redefineClasses",
                "([Ljava/lang/instrument/ClassDefinition;)V",
                "redefine classes"),
            action(
                "redefineModule",
                "(Ljava/lang/Module;Ljava/util/Set;Ljava/util/Map;Ljava/util/Map;Ljava/util/Set;"
                    + "Ljava/util/Map;)V",
                "change what a module reads, exports or opens"),
            action(
                "appendToBootstrapClassLoaderSearch",
                "(Ljava/util/jar/JarFile;)V",
                "add a jar to the bootstrap class path"),
            action(
                "appendToSystemClassLoaderSearch",
                "(Ljava/util/jar/JarFile;)V",
                "add a jar to the system class path"),
            action(
                "setNativeMethodPrefix",
                "(" + transformer + "Ljava/lang/String;)V",
                "set a native method prefix")));
  }

  /** What the runtime bean tells of the JVM's launch: its command line and every property. */
  private static void management(Map<String, List<Hook>> hooks) {
    hooks.put(
        "sun/management/RuntimeImpl",
        List.of(
            action("getInputArguments", "()Ljava/util/List;", "read the JVM's command line"),
            action("getSystemProperties", "()Ljava/util/Map;", "read every system property")));
  }

  /**
   * HotSpot's own beans act on the JVM natively, past every other check: a heap dump writes any
   * path, a VM option changes the JVM, and the diagnostic commands do both and more (loading an
   * agent, printing every property and the command line, starting recordings, writing files).
   */
  private static void hotSpotManagement(Map<String, List<Hook>> hooks) {
    hooks.put(
        "com/sun/management/internal/HotSpotDiagnostic",
        List.of(
            action("dumpHeap", "(Ljava/lang/String;Z)V", "dump the heap"),
            action("setVMOption", "(Ljava/lang/String;Ljava/lang/String;)V", "set a VM option")));
    hooks.put(
        "com/sun/management/internal/DiagnosticCommandImpl",
        List.of(
            action(
                "invoke",
                "(Ljava/lang/String;[Ljava/lang/Object;[Ljava/lang/String;)Ljava/lang/Object;",
                "run a diagnostic command")));
  }

  /**
   * A flight recording records the whole JVM and writes where it is told. Every recording starts in
   * {@code PlatformRecording}, a {@code RecordingStream}'s too (which does not go through {@code
   * Recording.start}): decided there before anything of the recorder changes, as a denial halfway
   * through its start-up makes the recorder stop the JVM. A running recording's repository holds
   * what the JVM recorded, its environment and properties among them.
   */
  private static void flightRecorder(Map<String, List<Hook>> hooks) {
    hooks.put(
        "jdk/jfr/Recording",
        List.of(
            action("start", "()V", "start a flight recording"),
            action("scheduleStart", "(Ljava/time/Duration;)V", "start a flight recording"),
            action("dump", "(Ljava/nio/file/Path;)V", "write a flight recording")));
    hooks.put(
        "jdk/jfr/internal/PlatformRecording",
        List.of(
            action("start", "()J", "start a flight recording"),
            action("scheduleStart", "(Ljava/time/Duration;)V", "start a flight recording")));
    hooks.put(
        "jdk/jfr/consumer/EventStream",
        List.of(
            action(
                "openRepository",
                "()Ljdk/jfr/consumer/EventStream;",
                "read the flight recorder's repository"),
            action(
                "openRepository",
                "(Ljava/nio/file/Path;)Ljdk/jfr/consumer/EventStream;",
                "read a flight recorder's repository")));
  }

  private static void naming(Map<String, List<Hook>> hooks) {
    hooks.put(
        "javax/naming/spi/NamingManager",
        List.of(
            action(
                "setInitialContextFactoryBuilder",
                "(Ljavax/naming/spi/InitialContextFactoryBuilder;)V",
                "install a naming context factory builder"),
            action(
                "setObjectFactoryBuilder",
                "(Ljavax/naming/spi/ObjectFactoryBuilder;)V",
                "install a naming object factory builder")));
  }

  private static void rmi(Map<String, List<Hook>> hooks) {
    hooks.put(
        "java/rmi/server/RMISocketFactory",
        List.of(
            action(
                "setSocketFactory",
                "(Ljava/rmi/server/RMISocketFactory;)V",
                "replace the RMI socket factory"),
            action(
                "setFailureHandler",
                "(Ljava/rmi/server/RMIFailureHandler;)V",
                "replace the RMI failure handler")));
    hooks.put(
        "java/rmi/server/RemoteServer",
        List.of(action("setLog", "(Ljava/io/OutputStream;)V", "replace the RMI call log")));
    hooks.put(
        "java/rmi/server/LogStream",
        List.of(
            action(
                "setDefaultStream",
                "(Ljava/io/PrintStream;)V",
                "replace the default RMI log stream")));
  }

  private static void desktop(Map<String, List<Hook>> hooks) {
    hooks.put(
        "javax/imageio/ImageIO",
        List.of(
            action("setCacheDirectory", "(Ljava/io/File;)V", "change Image I/O's cache folder"),
            action("setUseCache", "(Z)V", "change whether Image I/O caches on disk")));
    hooks.put(
        "java/beans/Introspector",
        List.of(
            action(
                "setBeanInfoSearchPath",
                "([Ljava/lang/String;)V",
                "change where bean descriptions are looked for")));
    hooks.put(
        "java/beans/PropertyEditorManager",
        List.of(
            action(
                "registerEditor",
                "(Ljava/lang/Class;Ljava/lang/Class;)V",
                "register a property editor"),
            action(
                "setEditorSearchPath",
                "([Ljava/lang/String;)V",
                "change where property editors are looked for")));
    hooks.put(
        "java/beans/Beans",
        List.of(
            action("setDesignTime", "(Z)V", "change whether beans run at design time"),
            action("setGuiAvailable", "(Z)V", "change whether beans may use a user interface")));
  }

  /**
   * {@return whether this JVM has the module, which a trimmed runtime may leave out} A plain test
   * rather than a callback per module: each method reference would be a class spun at start-up.
   */
  private static boolean hasModule(String module) {
    return ModuleLayer.boot().findModule(module).isPresent();
  }

  private static Hook action(String name, String descriptor, String action) {
    return Hook.at(name, descriptor, jvmAction(new Constant(action)));
  }

  private static Hook optionalAction(String name, String descriptor, String action) {
    return Hook.optional(name, descriptor, jvmAction(new Constant(action)));
  }

  /** The thread the method is called on, decided by {@code JvmGuard}. */
  private static Insertion onThread() {
    return jvmAction(new Receiver());
  }
}
