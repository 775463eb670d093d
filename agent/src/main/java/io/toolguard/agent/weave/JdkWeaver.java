package io.toolguard.agent.weave;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves {@link Hook}s into the JDK with plain ASM (start-up matters: this runs before the
 * application's {@code main}): classes of the bootstrap and platform loaders only. Every class it
 * weaves is loaded and woven at start-up, retransformed if it was loaded already, and the start
 * fails if any class or required method could not be woven, so the JVM never runs with its checks
 * half in place.
 */
public final class JdkWeaver implements ClassFileTransformer {

  /**
   * The JDK's modules are defined by the bootstrap loader ({@code java.base}) or the platform
   * loader ({@code java.net.http}); a class of the application's with a JDK class's name is never
   * woven.
   */
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  /** A class of the bridge on the bootstrap class path: woven code calls into its module. */
  private static final String BRIDGE = "io.toolguard.bootstrap.Dispatcher";

  private final Map<String, List<Hook>> hooks;
  private final Set<String> woven = ConcurrentHashMap.newKeySet();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  private JdkWeaver(Map<String, List<Hook>> hooks) {
    this.hooks = hooks;
  }

  /**
   * Weaves the hooks of each part (hooks by internal class name; parts may hook the same class).
   *
   * @throws IllegalStateException naming what could not be woven
   */
  @SafeVarargs
  public static void install(Instrumentation instrumentation, Map<String, List<Hook>>... parts) {
    Map<String, List<Hook>> hooks = new LinkedHashMap<>();
    for (Map<String, List<Hook>> part : parts) {
      part.forEach(
          (type, more) ->
              hooks.merge(
                  type,
                  more,
                  (first, second) -> Stream.concat(first.stream(), second.stream()).toList()));
    }
    JdkWeaver transformer = new JdkWeaver(hooks);
    instrumentation.addTransformer(transformer, true);
    try {
      List<Class<?>> loadedBefore = new ArrayList<>();
      Module bridge = Class.forName(BRIDGE, false, null).getModule();
      Set<String> loadedNow = null;
      for (String name : transformer.hooks.keySet()) {
        String module = WOVEN_AS_LOADED.get(name);
        if (module != null) {
          if (loadedNow == null) {
            loadedNow = loadedClasses(instrumentation);
          }
          if (!loadedNow.contains(name)) {
            transformer.checkAhead(instrumentation, name, module, bridge);
            continue;
          }
        }
        Class<?> type = Class.forName(name.replace('/', '.'), false, PLATFORM);
        readBridge(instrumentation, type.getModule(), bridge);
        if (!transformer.woven.contains(name)) {
          loadedBefore.add(type);
        }
      }
      instrumentation.retransformClasses(loadedBefore.toArray(Class<?>[]::new));
    } catch (ClassNotFoundException | UnmodifiableClassException unsupported) {
      throw new IllegalStateException(
          "toolguard does not support this JDK ("
              + System.getProperty("java.version")
              + "): "
              + unsupported.getMessage()
              + ". Tools would go unchecked, so the JVM is not started");
    }
    transformer.requireAllWoven();
  }

  /**
   * Classes that are woven when the JDK loads them, not loaded at start-up to be woven, by module:
   * loading them early would change the application. {@code LogManager}: servers such as WildFly
   * install their own log manager, which works only if {@code java.util.logging} was not touched
   * before their {@code main} set it up.
   */
  private static final Map<String, String> WOVEN_AS_LOADED =
      Map.of("java/util/logging/LogManager", "java.logging");

  /** {@return the internal names of the classes loaded so far} */
  private static Set<String> loadedClasses(Instrumentation instrumentation) {
    Set<String> names = new HashSet<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      names.add(type.getName().replace('.', '/'));
    }
    return names;
  }

  /**
   * Weaves a class not loaded yet into a copy of its class file, now, so that a hook that does not
   * fit this JDK stops the start as for every other class; the class itself is woven as it loads.
   */
  private void checkAhead(
      Instrumentation instrumentation, String name, String moduleName, Module bridge) {
    Module module = ModuleLayer.boot().findModule(moduleName).orElse(null);
    if (module == null) {
      failures.add(name + ": no module " + moduleName);
      return;
    }
    readBridge(instrumentation, module, bridge);
    byte[] classFile;
    try (java.io.InputStream in = module.getResourceAsStream(name + ".class")) {
      if (in == null) {
        failures.add(name + ": no class file in " + moduleName);
        return;
      }
      classFile = in.readAllBytes();
    } catch (java.io.IOException unreadable) {
      failures.add(name + ": " + unreadable);
      return;
    }
    // Counted as woven when it fits (the transformer weaves it the same way as the JDK loads it),
    // or a failure.
    weaveHooked(name, classFile);
  }

  /**
   * A named module reads the bootstrap loader's unnamed module, where the bridge is, only if told
   * to: the woven code of a platform module ({@code java.net.http}) would fail to link otherwise.
   */
  private static void readBridge(Instrumentation instrumentation, Module module, Module bridge) {
    if (!module.canRead(bridge)) {
      instrumentation.redefineModule(
          module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
    }
  }

  /**
   * A few JDK modules are defined by the application class loader ({@code jdk.attach}): their
   * classes are the JDK's when their module comes from the JDK's run-time image.
   */
  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] classFile) {
    boolean jdks =
        loader == null
            || loader == PLATFORM
            || (loader == ClassLoader.getSystemClassLoader()
                && module != null
                && module.isNamed()
                && hooks.containsKey(internalName)
                && JdkInitialisation.isRuntimeImageModule(module));
    return jdks ? weaveHooked(internalName, classFile) : null;
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] classFile) {
    return loader == null || loader == PLATFORM ? weaveHooked(internalName, classFile) : null;
  }

  private byte[] weaveHooked(String internalName, byte[] classFile) {
    List<Hook> classHooks = internalName != null ? hooks.get(internalName) : null;
    if (classHooks == null) {
      return null;
    }
    try {
      Set<Hook> found = new HashSet<>();
      byte[] result = weave(internalName, classFile, classHooks, found);
      List<String> missing =
          classHooks.stream()
              .filter(hook -> hook.required() && !found.contains(hook))
              .map(Hook::signature)
              .toList();
      if (!missing.isEmpty()) {
        failures.add(internalName + " has no " + String.join(", ", missing));
        return null;
      }
      woven.add(internalName);
      return result;
    } catch (RuntimeException | LinkageError failure) {
      failures.add(internalName + ": " + failure);
      return null;
    }
  }

  /**
   * {@return the class file with the hooks' calls inserted into the methods they match}, adding the
   * hooks that matched a method to {@code found}
   */
  static byte[] weave(
      String internalName, byte[] classFile, List<Hook> classHooks, Set<Hook> found) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor method =
                super.visitMethod(access, name, descriptor, signature, exceptions);
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE)) != 0) {
              return method;
            }
            for (Hook hook : classHooks) {
              if (hook.matches(name, descriptor)) {
                found.add(hook);
                method = new Inserter(method, internalName, access, descriptor, hook);
              }
            }
            return method;
          }
        },
        0);
    return writer.toByteArray();
  }

  private void requireAllWoven() {
    Set<String> missing = new TreeSet<>(hooks.keySet());
    missing.removeAll(woven);
    if (!missing.isEmpty() || !failures.isEmpty()) {
      throw new IllegalStateException(
          "toolguard could not weave its checks into this JDK ("
              + System.getProperty("java.version")
              + "): "
              + (failures.isEmpty() ? "" : String.join("; ", failures) + "; ")
              + "not woven: "
              + String.join(", ", missing)
              + ". Tools would go unchecked, so the JVM is not started");
    }
  }
}
