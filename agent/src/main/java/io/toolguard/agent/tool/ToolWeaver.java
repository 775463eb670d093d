package io.toolguard.agent.tool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;

/**
 * Weaves the dispatcher's tool entry and exit around the bodies of a class's tool methods, with
 * plain ASM, in place: the class gets no new method or field, so that a loaded class can be
 * retransformed. A woven method
 *
 * <ol>
 *   <li>boxes its arguments into a new {@code Object[]} and calls {@code Dispatcher.enterTool(id,
 *       arguments)}, which decides the call (and throws if it is denied) and returns the tool's
 *       frame, kept in a new local variable;
 *   <li>runs its original body, whose {@code return}s now store the value in a second new local
 *       variable and jump to the exit;
 *   <li>at the exit calls {@code Dispatcher.exitTool(frame, boxed value)}, which may withhold the
 *       value by throwing, then returns the value;
 *   <li>if the body throws anything, calls {@code Dispatcher.exitTool(frame, null)} and rethrows.
 * </ol>
 *
 * The exit code lies outside the body's exception handler, so a withheld value does not leave the
 * frame twice. The two new variables take the slots after the parameters and the body's own
 * variables move up, so the class file's stack map frames are rewritten by inserting the new
 * variables, never computed: computing them would load classes (ASM's common super class) from
 * inside a class-file transformer. The frames added at the handler and the exit name nothing but
 * the new variables, so nothing is assumed about what the body keeps in its parameters' slots.
 */
final class ToolWeaver {

  private static final String DISPATCHER = "io/toolguard/bootstrap/Dispatcher";
  private static final String OBJECT = "java/lang/Object";

  private ToolWeaver() {}

  /**
   * {@return the class file with these methods woven}
   *
   * @param toolIds the registry number of each method to weave, by name followed by descriptor
   * @throws IllegalStateException if a method's code has a shape this weaver cannot rewrite
   */
  static byte[] weave(byte[] classFile, Map<String, Integer> toolIds) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          private boolean frames;

          @Override
          public void visit(
              int version,
              int access,
              String name,
              String signature,
              String superName,
              String[] interfaces) {
            // Class files before Java 6 have no stack map frames; the old verifier infers them.
            frames = (version & 0xFFFF) >= Opcodes.V1_6;
            super.visit(version, access, name, signature, superName, interfaces);
          }

          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor method =
                super.visitMethod(access, name, descriptor, signature, exceptions);
            Integer id = toolIds.get(name + descriptor);
            return id == null ? method : new Body(method, access, descriptor, id, frames);
          }
        },
        ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  /** Rewrites one tool method's code as it is read. */
  private static final class Body extends MethodVisitor {
    private final int id;
    private final boolean frames;
    private final Type[] parameters;
    private final Type returned;
    private final boolean isStatic;

    /** The slots of {@code this} and the parameters. */
    private final int parameterSlots;

    /** The slot of the tool's frame; the returned value's follows it. */
    private final int frameSlot;

    /** How far the body's own variables move up: the frame's slot and the returned value's. */
    private final int shift;

    private final Label start = new Label();
    private final Label end = new Label();
    private final Label handler = new Label();
    private final Label exit = new Label();
    private boolean begun;

    Body(MethodVisitor method, int access, String descriptor, int id, boolean frames) {
      super(Opcodes.ASM9, method);
      this.id = id;
      this.frames = frames;
      this.parameters = Type.getArgumentTypes(descriptor);
      this.returned = Type.getReturnType(descriptor);
      this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
      this.parameterSlots = (Type.getArgumentsAndReturnSizes(descriptor) >> 2) - (isStatic ? 1 : 0);
      this.frameSlot = parameterSlots;
      this.shift = 1 + returned.getSize();
    }

    /**
     * Before the body's first instruction: registers the handler around the body (after the body's
     * own handlers, so that theirs come first), and enters the tool.
     */
    private void begin() {
      if (begun) {
        return;
      }
      begun = true;
      super.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
      push(id);
      push(parameters.length);
      super.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
      int slot = isStatic ? 0 : 1;
      for (int i = 0; i < parameters.length; i++) {
        super.visitInsn(Opcodes.DUP);
        push(i);
        super.visitVarInsn(parameters[i].getOpcode(Opcodes.ILOAD), slot);
        box(parameters[i]);
        super.visitInsn(Opcodes.AASTORE);
        slot += parameters[i].getSize();
      }
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC,
          DISPATCHER,
          "enterTool",
          "(I[Ljava/lang/Object;)Ljava/lang/Object;",
          false);
      super.visitVarInsn(Opcodes.ASTORE, frameSlot);
      super.visitLabel(start);
    }

    private void push(int value) {
      if (value <= 5) {
        super.visitInsn(Opcodes.ICONST_0 + value);
      } else if (value <= Byte.MAX_VALUE) {
        super.visitIntInsn(Opcodes.BIPUSH, value);
      } else if (value <= Short.MAX_VALUE) {
        super.visitIntInsn(Opcodes.SIPUSH, value);
      } else {
        super.visitLdcInsn(value);
      }
    }

    /** Boxes the primitive of this type on top of the stack; a reference stays as it is. */
    private void box(Type type) {
      String boxed =
          switch (type.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.CHAR -> "java/lang/Character";
            case Type.BYTE -> "java/lang/Byte";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.FLOAT -> "java/lang/Float";
            case Type.LONG -> "java/lang/Long";
            case Type.DOUBLE -> "java/lang/Double";
            default -> null;
          };
      if (boxed != null) {
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC,
            boxed,
            "valueOf",
            "(" + type.getDescriptor() + ")L" + boxed + ";",
            false);
      }
    }

    private int moved(int slot) {
      return slot < parameterSlots ? slot : slot + shift;
    }

    @Override
    public void visitFrame(
        int type, int localCount, Object[] locals, int stackCount, Object[] stack) {
      begin();
      if (type != Opcodes.F_NEW) {
        throw new IllegalStateException(
            "a compressed stack map frame where expanded ones were read");
      }
      List<Object> moved = new ArrayList<>(localCount + 1 + shift);
      int slots = 0;
      for (int i = 0; i < localCount; i++) {
        if (slots == parameterSlots && moved.size() == i) {
          addNew(moved, Opcodes.TOP);
        }
        moved.add(locals[i]);
        slots += locals[i] == Opcodes.LONG || locals[i] == Opcodes.DOUBLE ? 2 : 1;
      }
      if (moved.size() == localCount) {
        if (slots > parameterSlots) {
          throw new IllegalStateException("a variable straddles the last parameter's slot");
        }
        for (; slots < parameterSlots; slots++) {
          moved.add(Opcodes.TOP);
        }
        addNew(moved, Opcodes.TOP);
      }
      super.visitFrame(type, moved.size(), moved.toArray(), stackCount, stack);
    }

    /** Adds the frame's variable and the returned value's, as this type. */
    private void addNew(List<Object> locals, Object returnedValue) {
      locals.add(OBJECT);
      if (returnedValue == Opcodes.TOP) {
        for (int i = 0; i < returned.getSize(); i++) {
          locals.add(Opcodes.TOP);
        }
      } else if (returned.getSize() > 0) {
        locals.add(returnedValue);
      }
    }

    @Override
    public void visitInsn(int opcode) {
      begin();
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        if (returned.getSize() > 0) {
          super.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), frameSlot + 1);
        }
        super.visitJumpInsn(Opcodes.GOTO, exit);
      } else {
        super.visitInsn(opcode);
      }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      begin();
      super.visitLabel(end);
      List<Object> locals = new ArrayList<>();
      for (int i = 0; i < parameterSlots; i++) {
        locals.add(Opcodes.TOP);
      }

      super.visitLabel(handler);
      if (frames) {
        List<Object> atHandler = new ArrayList<>(locals);
        addNew(atHandler, Opcodes.TOP);
        super.visitFrame(
            Opcodes.F_NEW,
            atHandler.size(),
            atHandler.toArray(),
            1,
            new Object[] {"java/lang/Throwable"});
      }
      super.visitVarInsn(Opcodes.ALOAD, frameSlot);
      super.visitInsn(Opcodes.ACONST_NULL);
      exitTool();
      super.visitInsn(Opcodes.ATHROW);

      super.visitLabel(exit);
      if (frames) {
        List<Object> atExit = new ArrayList<>(locals);
        addNew(atExit, frameType(returned));
        super.visitFrame(Opcodes.F_NEW, atExit.size(), atExit.toArray(), 0, new Object[0]);
      }
      super.visitVarInsn(Opcodes.ALOAD, frameSlot);
      if (returned.getSize() > 0) {
        super.visitVarInsn(returned.getOpcode(Opcodes.ILOAD), frameSlot + 1);
        box(returned);
      } else {
        super.visitInsn(Opcodes.ACONST_NULL);
      }
      exitTool();
      if (returned.getSize() > 0) {
        super.visitVarInsn(returned.getOpcode(Opcodes.ILOAD), frameSlot + 1);
      }
      super.visitInsn(returned.getOpcode(Opcodes.IRETURN));
      // The entry needs six stack slots (id, array, array, index, a long); the exits three.
      super.visitMaxs(Math.max(maxStack, 6), Math.max(maxLocals, parameterSlots) + shift);
    }

    private void exitTool() {
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC,
          DISPATCHER,
          "exitTool",
          "(Ljava/lang/Object;Ljava/lang/Object;)V",
          false);
    }

    /** {@return how a stack map frame names a value of this type} */
    private static Object frameType(Type type) {
      return switch (type.getSort()) {
        case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
        case Type.FLOAT -> Opcodes.FLOAT;
        case Type.LONG -> Opcodes.LONG;
        case Type.DOUBLE -> Opcodes.DOUBLE;
        default -> type.getInternalName();
      };
    }

    // The body's own variables move up by the two new ones.

    @Override
    public void visitVarInsn(int opcode, int slot) {
      begin();
      super.visitVarInsn(opcode, moved(slot));
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
      begin();
      super.visitIincInsn(moved(slot), increment);
    }

    @Override
    public void visitLocalVariable(
        String name, String descriptor, String signature, Label from, Label to, int slot) {
      super.visitLocalVariable(name, descriptor, signature, from, to, moved(slot));
    }

    @Override
    public net.bytebuddy.jar.asm.AnnotationVisitor visitLocalVariableAnnotation(
        int typeRef,
        TypePath typePath,
        Label[] from,
        Label[] to,
        int[] slots,
        String descriptor,
        boolean visible) {
      int[] moved = new int[slots.length];
      for (int i = 0; i < slots.length; i++) {
        moved[i] = moved(slots[i]);
      }
      return super.visitLocalVariableAnnotation(
          typeRef, typePath, from, to, moved, descriptor, visible);
    }

    // Every other instruction only has to come after the entry.

    @Override
    public void visitIntInsn(int opcode, int operand) {
      begin();
      super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      begin();
      super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      begin();
      super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      begin();
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name,
        String descriptor,
        net.bytebuddy.jar.asm.Handle bootstrap,
        Object... arguments) {
      begin();
      super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      begin();
      super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
      begin();
      super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      begin();
      super.visitLdcInsn(value);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label fallback, Label... labels) {
      begin();
      super.visitTableSwitchInsn(min, max, fallback, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label fallback, int[] keys, Label[] labels) {
      begin();
      super.visitLookupSwitchInsn(fallback, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
      begin();
      super.visitMultiANewArrayInsn(descriptor, dimensions);
    }
  }
}
