package io.toolguard.agent;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Makes the one function that defines a class into the bootstrap class loader: a class, generated
 * here, whose {@code apply(name, classFile)} calls {@code jdk.internal.misc.Unsafe.defineClass}
 * with no loader, defined by a private class loader of its own, the unnamed module of which is the
 * only module {@code java.base} then exports {@code jdk.internal.misc} to. The same class says
 * whether the JVM is writing a CDS archive or an AOT cache ({@code
 * jdk.internal.misc.CDS.isDumpingArchive()}, which the JVM sets from its command line), which only
 * {@code jdk.internal.misc} tells.
 *
 * <p>Why so. Exporting that package to the agent's module would export it to the application's too
 * (both are the unnamed module of the system class loader), and every tool would hold {@code
 * Unsafe}; a loader no one else can reach, dropped once the bootstrap classes are defined, gives
 * that power to the generated class alone. It is generated, not compiled, because javac does not
 * let code for {@code --release 17} name {@code jdk.internal.misc}; and it calls {@code Unsafe}
 * directly, not by reflection, because the first reflective call of a JDK 25 JVM spins method
 * handles for 50 to 150 ms.
 */
final class BootDefiner {

  /** The generated class, alone in its loader. */
  private static final String NAME = "io/toolguard/agent/GeneratedBootDefiner";

  private static final String UNSAFE = "jdk/internal/misc/Unsafe";

  private static final String CDS = "jdk/internal/misc/CDS";

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
   * @throws IllegalStateException if this JDK does not let the agent make it
   */
  static Powers create(Instrumentation instrumentation) {
    Class<?> type = new DefinerLoader().define(classFile());
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

  /**
   * {@return the class file: {@code public final class GeneratedBootDefiner implements BiFunction,
   * BooleanSupplier}, whose {@code apply(name, bytes)} returns {@code
   * Unsafe.getUnsafe().defineClass(name, bytes, 0, bytes.length, null, null)} and whose {@code
   * getAsBoolean()} returns {@code CDS.isDumpingArchive()}}
   */
  static byte[] classFile() {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER,
        NAME,
        null,
        "java/lang/Object",
        new String[] {"java/util/function/BiFunction", "java/util/function/BooleanSupplier"});
    MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    MethodVisitor apply =
        writer.visitMethod(
            Opcodes.ACC_PUBLIC,
            "apply",
            "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
            null,
            null);
    apply.visitCode();
    apply.visitMethodInsn(Opcodes.INVOKESTATIC, UNSAFE, "getUnsafe", "()L" + UNSAFE + ";", false);
    apply.visitVarInsn(Opcodes.ALOAD, 1);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
    apply.visitVarInsn(Opcodes.ALOAD, 2);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
    apply.visitInsn(Opcodes.ICONST_0);
    apply.visitVarInsn(Opcodes.ALOAD, 2);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
    apply.visitInsn(Opcodes.ARRAYLENGTH);
    apply.visitInsn(Opcodes.ACONST_NULL);
    apply.visitInsn(Opcodes.ACONST_NULL);
    apply.visitMethodInsn(
        Opcodes.INVOKEVIRTUAL,
        UNSAFE,
        "defineClass",
        "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)"
            + "Ljava/lang/Class;",
        false);
    apply.visitInsn(Opcodes.ARETURN);
    apply.visitMaxs(0, 0);
    apply.visitEnd();
    MethodVisitor archiving =
        writer.visitMethod(Opcodes.ACC_PUBLIC, "getAsBoolean", "()Z", null, null);
    archiving.visitCode();
    archiving.visitMethodInsn(Opcodes.INVOKESTATIC, CDS, "isDumpingArchive", "()Z", false);
    archiving.visitInsn(Opcodes.IRETURN);
    archiving.visitMaxs(0, 0);
    archiving.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
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
