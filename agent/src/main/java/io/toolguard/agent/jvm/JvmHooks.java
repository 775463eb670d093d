package io.toolguard.agent.jvm;

import static io.toolguard.agent.weave.Insertion.Check.jvmAction;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Constant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the JDK changes the whole JVM, or opens a class up by reflection: each gets a call to
 * {@code Dispatcher.jvmAction} at its start. Reflection is caught where every {@code
 * setAccessible}, {@code trySetAccessible} and {@code privateLookupIn} is decided, and where {@code
 * sun.misc.Unsafe} turns a field into an address.
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
            action("setProperties", "(Ljava/util/Properties;)V", "replace the system properties")));
    hooks.put(
        "java/lang/Thread",
        List.of(
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
    hooks.put(
        "java/lang/reflect/AccessibleObject",
        List.of(
            Hook.at(
                "checkCanSetAccessible",
                "(Ljava/lang/Class;Ljava/lang/Class;Z)Z",
                jvmAction(new Argument(1)))));
    hooks.put(
        "java/lang/invoke/MethodHandles",
        List.of(
            Hook.at(
                "privateLookupIn",
                "(Ljava/lang/Class;Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/invoke/MethodHandles$Lookup;",
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
    return hooks;
  }

  private static Hook action(String name, String descriptor, String action) {
    return Hook.at(name, descriptor, jvmAction(new Constant(action)));
  }
}
