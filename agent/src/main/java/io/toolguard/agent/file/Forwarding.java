package io.toolguard.agent.file;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Whether a JDK method does nothing but call another method of the same object with the same
 * arguments and return its result: such a method needs no check of its own when the method it
 * forwards to is checked, and checking both would check one open twice ({@code newByteChannel} on
 * JDK 25 only calls {@code newFileChannel}, where JDK 17 opens the file itself). Read from the
 * class file this JDK runs, so the answer is what the code does, not what a JDK version suggests;
 * anything else (a class file that cannot be read, one more instruction, a handler) answers no, and
 * the method keeps its own check.
 */
final class Forwarding {

  private Forwarding() {}

  /**
   * {@return whether {@code type}'s method {@code name + descriptor} is exactly {@code return
   * this.target(arguments…)}, an instance call with the same descriptor}
   */
  static boolean onlyCalls(Class<?> type, String name, String descriptor, String target) {
    String internal = type.getName().replace('.', '/');
    try (InputStream in = type.getModule().getResourceAsStream(internal + ".class")) {
      return in != null && onlyCalls(in.readAllBytes(), name, descriptor, target);
    } catch (IOException | RuntimeException unreadable) {
      return false;
    }
  }

  /** {@return as above, for the method in this class file} */
  static boolean onlyCalls(byte[] classFile, String name, String descriptor, String target) {
    List<String> shape = new ArrayList<>();
    boolean[] found = new boolean[1];
    ClassReader reader;
    try {
      reader = new ClassReader(classFile);
    } catch (RuntimeException notAClassFile) {
      return false;
    }
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public MethodVisitor visitMethod(
              int access, String method, String desc, String signature, String[] thrown) {
            if (!method.equals(name) || !desc.equals(descriptor)) {
              return null;
            }
            found[0] = (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) == 0;
            return new Recorder(shape);
          }
        },
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    if (!found[0]) {
      return false;
    }
    List<String> forward = new ArrayList<>();
    forward.add("load 0");
    int slot = 1;
    for (Type argument : Type.getArgumentTypes(descriptor)) {
      forward.add("load " + slot);
      slot += argument.getSize();
    }
    forward.add("call " + target + descriptor.substring(0, descriptor.indexOf(')') + 1));
    forward.add("areturn");
    return shape.equals(forward);
  }

  /**
   * Writes each instruction as a word: a load of an argument by its slot, a virtual call by its
   * name and parameters, and anything else so as never to match a forward.
   */
  private static final class Recorder extends MethodVisitor {
    private final List<String> shape;

    Recorder(List<String> shape) {
      super(Opcodes.ASM9);
      this.shape = shape;
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
      boolean load = opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD;
      shape.add(load ? "load " + slot : "var " + opcode);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String method, String descriptor, boolean isInterface) {
      shape.add(
          opcode == Opcodes.INVOKEVIRTUAL
              ? "call " + method + descriptor.substring(0, descriptor.indexOf(')') + 1)
              : "invoke " + opcode);
    }

    @Override
    public void visitInsn(int opcode) {
      shape.add(opcode == Opcodes.ARETURN ? "areturn" : "insn " + opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      shape.add("other");
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      shape.add("other");
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String field, String descriptor) {
      shape.add("other");
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      shape.add("other");
    }

    @Override
    public void visitLdcInsn(Object value) {
      shape.add("other");
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
      shape.add("other");
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      shape.add("other");
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      shape.add("other");
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
      shape.add("other");
    }

    @Override
    public void visitInvokeDynamicInsn(
        String method,
        String descriptor,
        net.bytebuddy.jar.asm.Handle bootstrap,
        Object... arguments) {
      shape.add("other");
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      shape.add("handler");
    }
  }
}
