package io.toolguard.agent.weave;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inserts a hook's calls to the bootstrap bridge into one JDK method: at its start, before each
 * {@code areturn} for a hook on the returned object, or when the method ends by any return or
 * exception. A check calls the {@code Dispatcher} entry it names, with the descriptor it gives; a
 * hand-off calls {@code HandOffs}. The inserted code has no branches, leaves the operand stack as
 * it found it and stores only into the argument it replaces, so the method's stack map frames stay
 * valid; the one handler it may add gets a full frame of its own.
 */
final class Inserter extends MethodVisitor {

  private static final String DISPATCHER = "io/toolguard/bootstrap/Dispatcher";
  private static final String HAND_OFFS = "io/toolguard/bootstrap/HandOffs";

  private final String owner;
  private final boolean isStatic;
  private final Type[] parameters;
  private final Type returnType;
  private final Hook hook;
  private final Insertion.OnExit onExit;
  private final Label handler = new Label();

  /**
   * The calls replaced so far, by identity: a record's {@code hashCode} would bootstrap {@code
   * ObjectMethods} at start-up (about 60 method-handle classes, and their garbage) for a set of a
   * few table rows.
   */
  private final Set<Insertion.ReplaceCall> replaced =
      Collections.newSetFromMap(new IdentityHashMap<>());

  Inserter(MethodVisitor target, String owner, int access, String descriptor, Hook hook) {
    super(Opcodes.ASM9, target);
    this.owner = owner;
    this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
    this.parameters = Type.getArgumentTypes(descriptor);
    this.returnType = Type.getReturnType(descriptor);
    this.hook = hook;
    this.onExit = onExit(hook);
  }

  /** {@return the hook's first exit notification, or null} A loop: a stream spins classes. */
  private static Insertion.OnExit onExit(Hook hook) {
    for (Insertion insertion : hook.insertions()) {
      if (insertion instanceof Insertion.OnExit exit) {
        return exit;
      }
    }
    return null;
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
          pushAll(check.arguments());
          call(check);
          if (check.rewrite()) {
            replaceArgument(((Insertion.Argument) check.arguments().get(0)).index());
          } else {
            dropAnswer(check);
          }
        } else if (insertion instanceof Insertion.Notify notify) {
          notify(notify.method(), notify.argument());
        } else if (insertion instanceof Insertion.OnExit
            || insertion instanceof Insertion.AroundCall
            || insertion instanceof Insertion.ReplaceCall) {
          // Woven at the method's exits and around the call, not at its start.
        } else if (insertion instanceof Insertion.HandOff handOff) {
          super.visitVarInsn(Opcodes.ALOAD, slot(handOff.argument()));
          super.visitMethodInsn(
              Opcodes.INVOKESTATIC,
              HAND_OFFS,
              "handOff",
              "(Ljava/lang/Object;)Ljava/lang/Object;",
              false);
          replaceArgument(handOff.argument());
        }
      }
    }
    super.visitLabel(start);
  }

  private void notify(String method, Insertion.Source argument) {
    push(argument);
    super.visitMethodInsn(Opcodes.INVOKESTATIC, HAND_OFFS, method, "(Ljava/lang/Object;)V", false);
  }

  /**
   * With an exit notification: the handler that covers the whole body, declared with only the
   * receiver as a local (assignable from every frame in the body), notifies and rethrows.
   */
  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    for (Insertion insertion : hook.insertions()) {
      if (insertion instanceof Insertion.ReplaceCall replace && !replaced.contains(replace)) {
        throw new IllegalStateException(
            hook.signature() + " has no call to " + replace.owner() + "." + replace.name());
      }
    }
    if (onExit != null) {
      super.visitLabel(handler);
      Object[] locals = isStatic ? new Object[0] : new Object[] {owner};
      super.visitFrame(
          Opcodes.F_FULL, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
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
  public void visitMethodInsn(
      int opcode, String callOwner, String name, String descriptor, boolean isInterface) {
    for (Insertion insertion : hook.insertions()) {
      if (insertion instanceof Insertion.ReplaceCall replace
          && opcode != Opcodes.INVOKESTATIC
          && replace.owner().equals(callOwner)
          && replace.name().equals(name)
          && replace.descriptor().equals(descriptor)) {
        // The receiver and arguments are on the stack already, as the entry takes them.
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC, DISPATCHER, replace.entry(), replace.entryDescriptor(), false);
        replaced.add(replace);
        return;
      }
      if (insertion instanceof Insertion.AroundCall around
          && around.owner().equals(callOwner)
          && around.name().equals(name)
          && descriptor.equals("()V")) {
        super.visitInsn(Opcodes.DUP);
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC, HAND_OFFS, around.before(), "(Ljava/lang/Object;)V", false);
        super.visitMethodInsn(opcode, callOwner, name, descriptor, isInterface);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, HAND_OFFS, around.after(), "()V", false);
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
        // The returned object is on the stack already: it is the check's first argument.
        List<Insertion.Source> rest = check.arguments().subList(1, check.arguments().size());
        if (!(check.arguments().get(0) instanceof Insertion.Returned)) {
          throw new IllegalStateException(
              check.method()
                  + " in a hook on what "
                  + hook.signature()
                  + " returns must be given the returned object first");
        }
        if (check.rewrite()) {
          // The dispatcher's answer replaces what the method returns.
          pushAll(rest);
          call(check);
          super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
        } else {
          super.visitInsn(Opcodes.DUP);
          pushAll(rest);
          call(check);
          dropAnswer(check);
        }
      }
    }
    super.visitInsn(opcode);
  }

  /** With its arguments on the stack: calls the check's entry of the dispatcher. */
  private void call(Insertion.Check check) {
    super.visitMethodInsn(
        Opcodes.INVOKESTATIC, DISPATCHER, check.method(), check.descriptor(), false);
  }

  /** Drops the answer of a check that has one and does not use it. */
  private void dropAnswer(Insertion.Check check) {
    if (!check.descriptor().endsWith(")V")) {
      super.visitInsn(Opcodes.POP);
    }
  }

  private void pushAll(List<Insertion.Source> sources) {
    for (Insertion.Source source : sources) {
      push(source);
    }
  }

  private void push(Insertion.Source source) {
    if (source instanceof Insertion.Argument argument) {
      super.visitVarInsn(Opcodes.ALOAD, slot(argument.index()));
    } else if (source instanceof Insertion.BoxedArgument argument) {
      super.visitVarInsn(Opcodes.ILOAD, slot(argument.index()));
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
    } else if (source instanceof Insertion.Receiver) {
      super.visitVarInsn(Opcodes.ALOAD, 0);
    } else if (source instanceof Insertion.Field field) {
      super.visitVarInsn(Opcodes.ALOAD, 0);
      super.visitFieldInsn(Opcodes.GETFIELD, field.owner(), field.name(), field.descriptor());
      if (field.descriptor().equals("Z")) {
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC, "java/lang/Boolean", "valueOf", "(Z)Ljava/lang/Boolean;", false);
      }
    } else if (source instanceof Insertion.ArgumentField field) {
      super.visitVarInsn(Opcodes.ALOAD, slot(field.index()));
      super.visitFieldInsn(Opcodes.GETFIELD, field.owner(), field.name(), field.descriptor());
    } else if (source instanceof Insertion.Constant constant) {
      super.visitLdcInsn(constant.value());
    } else if (source instanceof Insertion.BoxedConstant number) {
      super.visitLdcInsn(number.value());
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
    } else if (source instanceof Insertion.Bits bits) {
      super.visitLdcInsn(bits.value());
    } else if (source instanceof Insertion.Nothing) {
      super.visitInsn(Opcodes.ACONST_NULL);
    } else {
      throw new IllegalStateException(
          "the returned object is there only in a hook on what a method returns, first");
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

  /**
   * {@return the class file with the hooks' calls inserted into the methods they match}, adding the
   * hooks that matched a method to {@code found}. Here, not in {@link JdkWeaver}, so that ASM's
   * reader and writer load only when a class is woven afresh, not at a start that finds the JDK
   * woven beside the jar.
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
            if (!weavable(access)) {
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

  private static boolean weavable(int access) {
    return (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE)) == 0;
  }
}
