package io.toolguard.it;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Bytecode for test classes made in a test: the harm a tool does, as a marker file written. */
final class MarkerCode {

  private MarkerCode() {}

  /**
   * Emits {@code Files.write(Path.of(path), new byte[0])}, leaving the operand stack as it was
   * (needs 3 slots of it).
   */
  static void writeMarker(MethodVisitor method, String path) {
    method.visitLdcInsn(path);
    method.visitInsn(Opcodes.ICONST_0);
    method.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/String");
    method.visitMethodInsn(
        Opcodes.INVOKESTATIC,
        "java/nio/file/Path",
        "of",
        "(Ljava/lang/String;[Ljava/lang/String;)Ljava/nio/file/Path;",
        true);
    method.visitInsn(Opcodes.ICONST_0);
    method.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_BYTE);
    method.visitInsn(Opcodes.ICONST_0);
    method.visitTypeInsn(Opcodes.ANEWARRAY, "java/nio/file/OpenOption");
    method.visitMethodInsn(
        Opcodes.INVOKESTATIC,
        "java/nio/file/Files",
        "write",
        "(Ljava/nio/file/Path;[B[Ljava/nio/file/OpenOption;)Ljava/nio/file/Path;",
        false);
    method.visitInsn(Opcodes.POP);
  }
}
