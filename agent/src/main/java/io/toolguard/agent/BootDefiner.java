package io.toolguard.agent;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * Makes the one function that defines a class into the bootstrap class loader: a class, generated
 * by the build ({@link BootstrapPacker}), whose {@code apply(name, classFile)} calls {@code
 * jdk.internal.misc.Unsafe.defineClass} with no loader, defined by a private class loader of its
 * own, the unnamed module of which is the only module {@code java.base} then exports {@code
 * jdk.internal.misc} to. The same class says whether the JVM is writing a CDS archive or an AOT
 * cache ({@code jdk.internal.misc.CDS.isDumpingArchive()}, which the JVM sets from its command
 * line), which only {@code jdk.internal.misc} tells.
 *
 * <p>Why so. Exporting that package to the agent's module (the unnamed module of its own loader,
 * {@link AgentClassLoader}) would hand {@code Unsafe} to every class of it, the libraries the agent
 * carries among them, for the life of the JVM, and to any tool that got hold of a lookup there; a
 * loader no one else can reach, dropped once the bootstrap classes are defined, gives that power to
 * the generated class alone. It is generated, not compiled, because javac does not let code for
 * {@code --release 17} name {@code jdk.internal.misc}; it calls {@code Unsafe} directly, not by
 * reflection, because the first reflective call of a JDK 25 JVM spins method handles for 50 to 150
 * ms; and it is generated at build time, not here, because its bytes depend on nothing of the JVM
 * that runs it, and making them took ASM's class writer, interpreted, on the start-up's critical
 * path. Its class file is bytes only: the power is the export of {@code jdk.internal.misc}, which
 * is made here, to its loader's module alone.
 */
final class BootDefiner {

  /** The generated class, alone in its loader (internal name). */
  static final String NAME = "io/toolguard/agent/GeneratedBootDefiner";

  private BootDefiner() {}

  /**
   * What the generated class does for the agent.
   *
   * @param definer defines {@code classFile}, named {@code binaryName}, into the bootstrap loader
   * @param writingArchive whether this JVM writes a CDS archive or an AOT cache when it ends (a
   *     training run: {@code -XX:AOTCacheOutput}, {@code -XX:AOTMode=record}, {@code
   *     -XX:ArchiveClassesAtExit})
   */
  record Powers(BiFunction<String, byte[], Class<?>> definer, BooleanSupplier writingArchive) {}

  /**
   * {@return the generated class's powers}
   *
   * @param classFile the generated class, as {@link BootstrapPacker#definerClassFile} made it
   * @throws IllegalStateException if this JDK does not let the agent make it
   */
  static Powers create(Instrumentation instrumentation, byte[] classFile) {
    Class<?> type = new DefinerLoader().define(classFile);
    instrumentation.redefineModule(
        Object.class.getModule(),
        Set.of(),
        Map.of("jdk.internal.misc", Set.of(type.getModule())),
        Map.of(),
        Set.of(),
        Map.of());
    try {
      Object generated = type.getConstructor().newInstance();
      @SuppressWarnings("unchecked")
      BiFunction<String, byte[], Class<?>> definer =
          (BiFunction<String, byte[], Class<?>>) generated;
      return new Powers(definer, (BooleanSupplier) generated);
    } catch (ReflectiveOperationException | LinkageError unsupported) {
      throw new IllegalStateException(
          "this JDK does not let toolguard define its bootstrap classes ("
              + unsupported
              + "); run it on a JDK 17 or later that has jdk.internal.misc.Unsafe",
          unsupported);
    }
  }

  /** The generated class's loader: private, it sees only the JDK, and defines nothing else. */
  private static final class DefinerLoader extends ClassLoader {

    DefinerLoader() {
      super("toolguard-boot-definer", null);
    }

    Class<?> define(byte[] classFile) {
      return defineClass(NAME.replace('/', '.'), classFile, 0, classFile.length);
    }
  }
}
