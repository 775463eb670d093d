package io.toolguard.agent.weave;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inserts a hook's calls to the bootstrap dispatcher into one JDK method: at its start, before
 * each {@code areturn} for a hook on the returned object, or when the method ends by any return or
 * exception. The inserted code has no branches, leaves the operand stack as it found it and stores
 * only into the argument it replaces, so the method's stack map frames stay valid; the one handler
 * it may add gets a full frame of its own.
 */
final class Inserter extends MethodVisitor {

  private static final String DISPATCHER = "io/toolguard/bootstrap/Dispatcher";
  private static final String CHECK = "(Ljava/lang/Object;ILjava/lang/Object;)Ljava/lang/Object;";

  private final String owner;
  private final boolean isStatic;
  private final Type[] parameters;
  private final Type returnType;
  private final Hook hook;
  private final Insertion.OnExit onExit;
  private final Label handler = new Label();

  Inserter(MethodVisitor target, String owner, int access, String descriptor, Hook hook) {
    super(Opcodes.ASM9, target);
    this.owner = owner;
    this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
    this.parameters = Type.getArgumentTypes(descriptor);
    this.returnType = Type.getReturnType(descriptor);
    this.hook = hook;
    this.onExit = hook.insertions().stream().filter(Insertion.OnExit.class::isInstance).map(Insertion.OnExit.class::cast)
        .findFirst().orElse(null);
  }

  @Override
  public void visitCode() {
    super.visitCode();
    Label start = new Label();
    if (onExit != null) {
      super.visitTryCatchBlock(start, handler, handler, "java/lang/Throwable");
    }
    if (!hook.onReturn()) {
      for (Insertion insertion : hook.insertions()) {
        if (insertion instanceof Insertion.Check check) {
          push(check.path());
          emitCheck(check);
          if (check.rewrite()) {
            replaceArgument(((Insertion.Argument) check.path()).index());
          } else {
            super.visitInsn(Opcodes.POP);
          }
        } else if (insertion instanceof Insertion.Notify notify) {
          notify(notify.method(), notify.argument());
        } else if (insertion instanceof Insertion.OnExit || insertion instanceof Insertion.AroundCall) {
          // Woven at the method's exits and around the call, not at its start.
        } else if (insertion instanceof Insertion.HandOff handOff) {
          super.visitVarInsn(Opcodes.ALOAD, slot(handOff.argument()));
          super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, "handOff", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
          replaceArgument(handOff.argument());
        }
      }
    }
    super.visitLabel(start);
  }

  private void notify(String method, Insertion.Source argument) {
    push(argument);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, method, "(Ljava/lang/Object;)V", false);
  }

  /**
   * With an exit notification: the handler that covers the whole body, declared with only the
   * receiver as a local (assignable from every frame in the body), notifies and rethrows.
   */
  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    if (onExit != null) {
      super.visitLabel(handler);
      Object[] locals = isStatic ? new Object[0] : new Object[] {owner};
      super.visitFrame(Opcodes.F_FULL, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
      notify(onExit.method(), onExit.argument());
      super.visitInsn(Opcodes.ATHROW);
    }
    super.visitMaxs(maxStack, maxLocals);
  }

  private void replaceArgument(int index) {
    super.visitTypeInsn(Opcodes.CHECKCAST, parameters[index].getInternalName());
    super.visitVarInsn(Opcodes.ASTORE, slot(index));
  }

  @Override
  public void visitMethodInsn(int opcode, String callOwner, String name, String descriptor, boolean isInterface) {
    for (Insertion insertion : hook.insertions()) {
      if (insertion instanceof Insertion.AroundCall around && around.owner().equals(callOwner)
          && around.name().equals(name) && descriptor.equals("()V")) {
        super.visitInsn(Opcodes.DUP);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, around.before(), "(Ljava/lang/Object;)V", false);
        super.visitMethodInsn(opcode, callOwner, name, descriptor, isInterface);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, around.after(), "()V", false);
        return;
      }
    }
    super.visitMethodInsn(opcode, callOwner, name, descriptor, isInterface);
  }

  @Override
  public void visitInsn(int opcode) {
    if (onExit != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
      notify(onExit.method(), onExit.argument());
    }
    if (hook.onReturn() && opcode == Opcodes.ARETURN) {
      for (Insertion insertion : hook.insertions()) {
        Insertion.Check check = (Insertion.Check) insertion;
        if (check.rewrite()) {
          // The dispatcher's answer replaces what the method returns.
          emitCheck(check);
          super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
        } else {
          super.visitInsn(Opcodes.DUP);
          emitCheck(check);
          super.visitInsn(Opcodes.POP);
        }
      }
    }
    super.visitInsn(opcode);
  }

  /** With the path on the stack: pushes the bits and the detail, and calls the dispatcher. */
  private void emitCheck(Insertion.Check check) {
    super.visitLdcInsn(check.bits());
    push(check.detail());
    super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCHER, "checkFile", CHECK, false);
  }

  private void push(Insertion.Source source) {
    if (source instanceof Insertion.Argument argument) {
      super.visitVarInsn(Opcodes.ALOAD, slot(argument.index()));
    } else if (source instanceof Insertion.BoxedArgument argument) {
      super.visitVarInsn(Opcodes.ILOAD, slot(argument.index()));
      super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
    } else if (source instanceof Insertion.Receiver) {
      super.visitVarInsn(Opcodes.ALOAD, 0);
    } else if (source instanceof Insertion.Field field) {
      super.visitVarInsn(Opcodes.ALOAD, 0);
      super.visitFieldInsn(Opcodes.GETFIELD, field.owner(), field.name(), field.descriptor());
      if (field.descriptor().equals("Z")) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Boolean", "valueOf", "(Z)Ljava/lang/Boolean;", false);
      }
    } else if (source instanceof Insertion.Constant constant) {
      super.visitLdcInsn(constant.value());
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
