package io.toolguard.it.app;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.spi.AttachProvider;
import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Code in a tool reaches past the JVM's checks: native code (JNI libraries; on JDK 22 and later the
 * FFM API's downcalls, library lookups and raw memory), {@code sun.misc.Unsafe} (which then flips a
 * private flag of the application's), and attaching to this JVM (run with {@code
 * -Djdk.attach.allowAttachSelf=true -Dtoolguard.secret=…}). Prints {@code NATIVE name harm: …} or
 * {@code NATIVE name denied}; {@code CLOSED name refused} for routes the JDK itself refuses, with
 * or without toolguard; and {@code LEGIT name ok} for a library's Unsafe, obtained outside tools,
 * used inside one.
 */
public final class NativeApp {

  private NativeApp() {}

  @Tool(name = "hostile", risk = Risk.LOW)
  static String hostile(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    // The application's library takes its Unsafe at start-up, outside any tool.
    Vault.Library.init();
    Map<String, Callable<String>> routes = new LinkedHashMap<>();
    String libc = libc();
    if (Runtime.version().feature() >= 22) {
      routes.put("FFM downcall to getpid", NativeApp::downcallGetpid);
      routes.put("FFM SymbolLookup.libraryLookup of the C library", () -> libraryLookup(libc));
      routes.put("FFM MemorySegment.reinterpret of a raw address", NativeApp::reinterpret);
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent()) {
      routes.put("incubating FFM downcall to getpid", NativeApp::incubatingDowncallGetpid);
    }
    routes.put(
        "System.load of the C library",
        () -> {
          System.load(libc);
          return "harm: loaded " + libc;
        });
    routes.put(
        "Runtime.load of the C library",
        () -> {
          Runtime.getRuntime().load(libc);
          return "harm: loaded " + libc;
        });
    routes.put(
        "System.loadLibrary of a JDK library",
        () -> {
          System.loadLibrary("jaas");
          return "harm: loaded libjaas";
        });
    routes.put("Unsafe by setAccessible on theUnsafe", () -> flip(theUnsafeBySetAccessible()));
    routes.put("Unsafe by a private lookup's VarHandle", () -> flip(theUnsafeByVarHandle()));
    routes.put(
        "Unsafe by a serialization constructor", () -> flip(unsafeBySerializationConstructor()));
    routes.put(
        "Unsafe from a library's field by setAccessible",
        () -> {
          Field field = Vault.Library.class.getDeclaredField("unsafe");
          field.setAccessible(true);
          return flip(field.get(null));
        });
    routes.put(
        "Unsafe from a library's field by a private lookup",
        () ->
            flip(
                invoke(
                    MethodHandles.privateLookupIn(Vault.Library.class, MethodHandles.lookup())
                        .findStaticGetter(Vault.Library.class, "unsafe", unsafeClass()))));
    routes.put(
        "Unsafe from a library's private getter by a private lookup",
        () ->
            flip(
                invoke(
                    MethodHandles.privateLookupIn(Vault.Library.class, MethodHandles.lookup())
                        .findStatic(
                            Vault.Library.class,
                            "unsafe",
                            java.lang.invoke.MethodType.methodType(unsafeClass())))));
    String secret = System.getProperty("toolguard.secret");
    routes.put(
        "attach to this JVM and read its properties",
        () -> {
          VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
          try {
            return secret.equals(vm.getSystemProperties().getProperty("toolguard.secret"))
                ? "harm: read the secret through the attach API"
                : "nothing";
          } finally {
            vm.detach();
          }
        });
    routes.put(
        "attach through the provider",
        () -> {
          VirtualMachine vm =
              AttachProvider.providers()
                  .get(0)
                  .attachVirtualMachine(Long.toString(ProcessHandle.current().pid()));
          try {
            return secret.equals(vm.getSystemProperties().getProperty("toolguard.secret"))
                ? "harm: read the secret through the attach provider"
                : "nothing";
          } finally {
            vm.detach();
          }
        });
    ToolRoutes.report("NATIVE", routes, NativeApp::hostile);

    Map<String, Callable<String>> closed = new LinkedHashMap<>();
    closed.put(
        "setAccessible on jdk.internal.misc.Unsafe",
        () -> {
          Class.forName("jdk.internal.misc.Unsafe")
              .getDeclaredField("theUnsafe")
              .setAccessible(true);
          return "opened";
        });
    closed.put(
        "Module.addOpens of java.base to the tool",
        () -> {
          Object.class.getModule().addOpens("jdk.internal.misc", NativeApp.class.getModule());
          return "opened";
        });
    for (Map.Entry<String, Callable<String>> route : closed.entrySet()) {
      String outcome;
      try {
        outcome = hostile(route.getValue());
      } catch (RuntimeException refused) {
        outcome = "refused";
      }
      System.out.println("CLOSED " + route.getKey() + " " + outcome);
    }

    Map<String, Callable<String>> legit = new LinkedHashMap<>();
    legit.put(
        "a library's Unsafe obtained outside tools",
        () -> {
          Vault.Library.open();
          boolean opened = Vault.isOpen();
          Vault.close();
          return opened ? "ok" : "not opened";
        });
    legit.put(
        "setAccessible on the application's own field",
        () -> {
          Field field = Vault.class.getDeclaredField("open");
          field.setAccessible(true);
          return field.getBoolean(null) ? "open" : "ok";
        });
    ToolRoutes.report("LEGIT", legit, NativeApp::hostile);
  }

  /** {@return the C library this process has mapped} */
  private static String libc() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .map(line -> line.substring(line.lastIndexOf(' ') + 1))
        .filter(path -> path.matches(".*/libc[.-][^/]*so.*"))
        .findFirst()
        .orElseThrow();
  }

  private static Class<?> unsafeClass() throws ClassNotFoundException {
    return Class.forName("sun.misc.Unsafe");
  }

  private static Object theUnsafeBySetAccessible() throws Exception {
    Field theUnsafe = unsafeClass().getDeclaredField("theUnsafe");
    theUnsafe.setAccessible(true);
    return theUnsafe.get(null);
  }

  private static Object theUnsafeByVarHandle() throws Exception {
    Class<?> unsafe = unsafeClass();
    VarHandle handle =
        MethodHandles.privateLookupIn(unsafe, MethodHandles.lookup())
            .findStaticVarHandle(unsafe, "theUnsafe", unsafe);
    return handle.get();
  }

  private static Object unsafeBySerializationConstructor() throws Exception {
    Class<?> factory = Class.forName("sun.reflect.ReflectionFactory");
    Object reflection = factory.getMethod("getReflectionFactory").invoke(null);
    Constructor<?> constructor =
        (Constructor<?>)
            factory
                .getMethod("newConstructorForSerialization", Class.class, Constructor.class)
                .invoke(reflection, unsafeClass(), Object.class.getDeclaredConstructor());
    return constructor.newInstance();
  }

  /** Opens the application's vault with {@code unsafe}: {@return the harm, if it opened} */
  static String flip(Object unsafe) throws Exception {
    Vault.close();
    Field open = Vault.class.getDeclaredField("open");
    Class<?> type = unsafeClass();
    Object base = type.getMethod("staticFieldBase", Field.class).invoke(unsafe, open);
    long offset = (long) type.getMethod("staticFieldOffset", Field.class).invoke(unsafe, open);
    type.getMethod("putBoolean", Object.class, long.class, boolean.class)
        .invoke(unsafe, base, offset, true);
    boolean opened = Vault.isOpen();
    Vault.close();
    return opened ? "harm: flipped the application's private flag" : "not flipped";
  }

  private static Object linker() throws Exception {
    return Class.forName("java.lang.foreign.Linker").getMethod("nativeLinker").invoke(null);
  }

  private static Object intDescriptor() throws Exception {
    Class<?> layout = Class.forName("java.lang.foreign.MemoryLayout");
    Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
    return Class.forName("java.lang.foreign.FunctionDescriptor")
        .getMethod("of", layout, Array.newInstance(layout, 0).getClass())
        .invoke(null, javaInt, Array.newInstance(layout, 0));
  }

  private static String downcallGetpid() throws Exception {
    Object linker = linker();
    Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
    Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
    Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
    Object getpid =
        ((Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "getpid"))
            .orElseThrow();
    Class<?> option = Class.forName("java.lang.foreign.Linker$Option");
    MethodHandle handle =
        (MethodHandle)
            linkerType
                .getMethod(
                    "downcallHandle",
                    Class.forName("java.lang.foreign.MemorySegment"),
                    Class.forName("java.lang.foreign.FunctionDescriptor"),
                    Array.newInstance(option, 0).getClass())
                .invoke(linker, getpid, intDescriptor(), Array.newInstance(option, 0));
    int pid = (int) invoke(handle);
    return pid == ProcessHandle.current().pid()
        ? "harm: called getpid() natively: " + pid
        : "wrong pid " + pid;
  }

  /** JDK 17's incubating API, resolved with {@code --add-modules jdk.incubator.foreign}. */
  private static String incubatingDowncallGetpid() throws Exception {
    Class<?> linkerType = Class.forName("jdk.incubator.foreign.CLinker");
    Object linker = linkerType.getMethod("getInstance").invoke(null);
    Object lookup = linkerType.getMethod("systemLookup").invoke(null);
    Object getpid =
        ((Optional<?>)
                Class.forName("jdk.incubator.foreign.SymbolLookup")
                    .getMethod("lookup", String.class)
                    .invoke(lookup, "getpid"))
            .orElseThrow();
    Class<?> layout = Class.forName("jdk.incubator.foreign.MemoryLayout");
    Object descriptor =
        Class.forName("jdk.incubator.foreign.FunctionDescriptor")
            .getMethod("of", layout, Array.newInstance(layout, 0).getClass())
            .invoke(null, linkerType.getField("C_INT").get(null), Array.newInstance(layout, 0));
    MethodHandle handle =
        (MethodHandle)
            linkerType
                .getMethod(
                    "downcallHandle",
                    Class.forName("jdk.incubator.foreign.Addressable"),
                    java.lang.invoke.MethodType.class,
                    Class.forName("jdk.incubator.foreign.FunctionDescriptor"))
                .invoke(
                    linker, getpid, java.lang.invoke.MethodType.methodType(int.class), descriptor);
    int pid = (int) invoke(handle);
    return pid == ProcessHandle.current().pid()
        ? "harm: called getpid() natively: " + pid
        : "wrong pid " + pid;
  }

  private static String libraryLookup(String libc) throws Exception {
    Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
    Class<?> arena = Class.forName("java.lang.foreign.Arena");
    Object global = arena.getMethod("global").invoke(null);
    Object lookup =
        lookupType.getMethod("libraryLookup", String.class, arena).invoke(null, libc, global);
    Optional<?> getenv =
        (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "getenv");
    return getenv.isPresent() ? "harm: found getenv in " + libc : "nothing";
  }

  private static String reinterpret() throws Exception {
    Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
    Object raw = segment.getMethod("ofAddress", long.class).invoke(null, 8L);
    Object wide = segment.getMethod("reinterpret", long.class).invoke(raw, 8L);
    return "harm: made a readable segment of raw memory: " + wide;
  }

  /** {@return what {@code handle} returns, called with no arguments} */
  private static Object invoke(MethodHandle handle) throws Exception {
    try {
      return handle.invokeWithArguments();
    } catch (Exception | Error thrown) {
      throw thrown;
    } catch (Throwable other) {
      throw new IllegalStateException(other);
    }
  }
}
