package io.toolguard.agent.file;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inserts a hook's calls to {@code Dispatcher.checkFile} into one JDK method: at its start, or
 * before each {@code areturn} for a hook on the returned file. The inserted code has no branches,
 * leaves the operand stack as it found it and stores only into the argument it rewrites, so the
 * method's stack map frames stay valid.
 */
final class CheckInserter extends MethodVisitor {

  private static final String DISPATCHER = "io/toolguard/bootstrap/Dispatcher";
  private static final String CHECK = "(Ljava/lang/Object;ILjava/lang/Object;)Ljava/lang/Object;";

  private final boolean isStatic;
  private final Type[] parameters;
  private final FileHooks.Hook hook;

  CheckInserter(MethodVisitor target, int access, String descriptor, FileHooks.Hook hook) {
    super(Opcodes.ASM9, target);
    this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
    this.parameters = Type.getArgumentTypes(descriptor);
    this.hook = hook;
  }

  @Override
  public void visitCode() {
    super.visitCode();
    if (!hook.onReturn()) {
      for (FileHooks.Check check : hook.checks()) {
        push(check.path());
        emitCall(check);
        if (check.rewrite()) {
          int index = ((FileHooks.Argument) check.path()).index();
          super.visitTypeInsn(Opcodes.CHECKCAST, parameters[index].getInternalName());
          super.visitVarInsn(Opcodes.ASTORE, slot(index));
        } else {
          super.visitInsn(Opcodes.POP);
        }
      }
    }
  }

  @Override
  public void visitInsn(int opcode) {
    if (hook.onReturn() && opcode == Opcodes.ARETURN) {
      for (FileHooks.Check check : hook.checks()) {
        super.visitInsn(Opcodes.DUP);
        emitCall(check);
        super.visitInsn(Opcodes.POP);
      }
    }
    super.visitInsn(opcode);
  }

  /** With the path on the stack: pushes the bits and the detail, and calls the dispatcher. */
  private void emitCall(FileHooks.Check check) {
    super.visitLdcInsn(check.bits());
    push(check.detail());
    super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, "checkFile", CHECK, false);
  }

  private void push(FileHooks.Source source) {
    if (source instanceof FileHooks.Argument argument) {
      super.visitVarInsn(Opcodes.ALOAD, slot(argument.index()));
    } else if (source instanceof FileHooks.BoxedArgument argument) {
      super.visitVarInsn(Opcodes.ILOAD, slot(argument.index()));
      super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
    } else if (source instanceof FileHooks.Receiver) {
      super.visitVarInsn(Opcodes.ALOAD, 0);
    } else if (source instanceof FileHooks.Field field) {
      super.visitVarInsn(Opcodes.ALOAD, 0);
      super.visitFieldInsn(Opcodes.GETFIELD, field.owner(), field.name(), field.descriptor());
      if (field.descriptor().equals("Z")) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Boolean", "valueOf", "(Z)Ljava/lang/Boolean;", false);
      }
    } else {
      super.visitInsn(Opcodes.ACONST_NULL);
    }
  }

  /** {@return the local variable slot of parameter {@code index}} */
  private int slot(int index) {
    int slot = isStatic ? 0 : 1;
    for (int i = 0; i < index; i++) {
      slot += parameters[i].getSize();
    }
    return slot;
  }
}
