package io.toolguard.agent.tool;

import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves a made-up tool class of toolguard's own once, on a thread of its own after {@code
 * premain}, and throws the result away: the first class with tools the application loads is then
 * read and woven by code that has run before (ASM's and the weaving's classes loaded, linked and
 * their calls resolved), not by code running for the first time in the interpreter, which took
 * 20–45 ms of the loading thread for the LangChain4j example's 2 KB tool class (JDK 17 and 25).
 * Only where the application's class loader sees a tool annotation (toolguard's own or a
 * framework's): an application that has none pays nothing but the look. Nothing it makes is
 * defined, registered or kept, and a failure here changes nothing: the first tool class is then
 * woven as it would have been.
 */
final class WeavingWarmUp implements Runnable {

  /** The made-up class's tool method, by name and descriptor. */
  private static final String METHOD = "run";

  private static final String DESCRIPTOR = "(Ljava/lang/String;)Ljava/lang/String;";

  private final ToolClassFilter filter;
  private final ClassLoader application;

  WeavingWarmUp(ToolClassFilter filter, ClassLoader application) {
    this.filter = filter;
    this.application = application;
  }

  @Override
  public void run() {
    try {
      warm();
    } catch (RuntimeException | LinkageError | VirtualMachineError failure) {
      // Only a head start is lost: the first tool class is read and woven as it loads, and a
      // failure there is reported and refuses the class. Memory or stack run out here is not
      // toolguard's to print (the thread's default handler would, with a stack trace): what
      // needs it next meets it again.
    }
  }

  /** {@return whether it wove the made-up class: only where the application sees tools} */
  boolean warm() {
    if (!filter.seesToolAnnotations(application)) {
      return false;
    }
    byte[] classFile = sample();
    ClassModel.read(classFile, false);
    ClassModel.read(classFile, true);
    ToolWeaver.weave(classFile, Map.of(METHOD + DESCRIPTOR, 0));
    return true;
  }

  /**
   * {@return a small class with one method marked by toolguard's tool annotation, which branches,
   * as a tool's code does}
   */
  static byte[] sample() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER,
        "io/toolguard/agent/tool/WeavingWarmUp$Sample",
        null,
        "java/lang/Object",
        null);
    MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, METHOD, DESCRIPTOR, null, null);
    method.visitParameter("text", 0);
    AnnotationVisitor tool =
        method.visitAnnotation("L" + ToolAnnotations.OURS.replace('.', '/') + ";", true);
    tool.visit("description", "warms the weaving up");
    tool.visitEnd();
    method.visitCode();
    Label empty = new Label();
    method.visitVarInsn(Opcodes.ALOAD, 1);
    method.visitJumpInsn(Opcodes.IFNULL, empty);
    method.visitVarInsn(Opcodes.ALOAD, 1);
    method.visitInsn(Opcodes.ARETURN);
    method.visitLabel(empty);
    method.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
    method.visitLdcInsn("");
    method.visitInsn(Opcodes.ARETURN);
    method.visitMaxs(1, 2);
    method.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}
