package io.toolguard.agent.weave;

import static io.toolguard.agent.weave.Insertion.Check.checkFile;
import static io.toolguard.agent.weave.Insertion.Check.jvmAction;
import static io.toolguard.bootstrap.Dispatcher.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Constant;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.StringConcatFactory;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypeReference;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * The splice's instruction walk and renumbering, on classes made for it: every instruction that
 * names a constant, both switches at each alignment, {@code wide}, handlers, frames, local variable
 * tables, a pool past 255 constants. Each spliced class prints as the ASM way's does, and the JVM,
 * which verifies a class of the test's loader, defines it and runs it to the same answers as the
 * unwoven class.
 */
class SpliceWalkTest {

  private static final String NAME = "io/toolguard/agent/weave/Spliced";
  private static final String DESCRIPTOR = "(Ljava/lang/String;I)Ljava/lang/Object;";
  private static final String[] METHODS = {
    "table0",
    "table1",
    "table2",
    "table3",
    "lookup",
    "wide",
    "constants",
    "calls",
    "handler",
    "farConstant"
  };

  @Test
  void everyInstructionKindIsRenumberedAndRuns() throws Exception {
    byte[] plain = synthetic(false);
    List<Hook> hooks = new ArrayList<>();
    for (String method : METHODS) {
      hooks.add(Hook.at(method, DESCRIPTOR, checkFile(new Argument(0), READ)));
    }

    byte[] spliced = spliced(plain, hooks);

    assertThat(text(spliced)).isEqualTo(text(rewritten(plain, hooks)));
    Class<?> original = define(plain);
    Class<?> woven = define(spliced);
    for (String method : METHODS) {
      for (int x : new int[] {-1, 0, 1, 2, 3, 7, 100, 1000}) {
        assertThat(call(woven, method, x))
            .as(method + " " + x)
            .isEqualTo(call(original, method, x));
      }
    }
  }

  @Test
  void aStringTheClassDoesNotHaveIsPushedFromPastIndex255() throws Exception {
    byte[] plain = synthetic(false);
    List<Hook> hooks =
        List.of(
            Hook.at("constants", DESCRIPTOR, jvmAction(new Constant("an action no class names"))));

    byte[] spliced = spliced(plain, hooks);

    assertThat(text(spliced)).isEqualTo(text(rewritten(plain, hooks)));
    assertThat(call(define(spliced), "constants", 3))
        .isEqualTo(call(define(plain), "constants", 3));
  }

  @Test
  void aCodeAttributeItDoesNotKnowLeavesTheClassToAsm() {
    byte[] annotated = synthetic(true);
    List<Hook> hooks = List.of(Hook.at("calls", DESCRIPTOR, checkFile(new Argument(0), READ)));
    Set<Hook> found = Collections.newSetFromMap(new IdentityHashMap<>());

    assertThat(CodeSplice.weave(NAME, annotated, hooks, found)).isNull();
    // Woven all the same, the ASM way, with the hook in place.
    byte[] woven = JdkWeaver.weave(NAME, annotated, hooks, found);
    assertThat(text(woven)).isEqualTo(text(rewritten(annotated, hooks))).contains("checkFile");
  }

  @Test
  void instructionLengths() {
    // tableswitch at offset 1: 2 bytes of padding, default, low 0, high 1, two offsets.
    byte[] table = {
      0, (byte) 0xAA, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 9
    };
    assertThat(Instructions.size(table, 1, 1)).isEqualTo(23);
    // lookupswitch at offset 3: no padding, default, one pair.
    byte[] lookup = {0, 0, 0, (byte) 0xAB, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 9};
    assertThat(Instructions.size(lookup, 3, 3)).isEqualTo(17);
    assertThat(Instructions.size(new byte[] {(byte) 0xC4, (byte) 0x84, 1, 0, 0, 1}, 0, 0))
        .isEqualTo(6);
    assertThat(Instructions.size(new byte[] {(byte) 0xC4, 0x15, 1, 0}, 0, 0)).isEqualTo(4);
    assertThat(Instructions.size(new byte[] {(byte) 0xC4, 0x60, 1, 0}, 0, 0)).isZero();
    assertThat(Instructions.size(new byte[] {0x14, 0, 1}, 0, 0)).isEqualTo(3);
    assertThat(Instructions.size(new byte[] {(byte) 0xB9, 0, 1, 1, 0}, 0, 0)).isEqualTo(5);
    assertThat(Instructions.size(new byte[] {(byte) 0xBA, 0, 1, 0, 0}, 0, 0)).isEqualTo(5);
    assertThat(Instructions.size(new byte[] {(byte) 0xC5, 0, 1, 2}, 0, 0)).isEqualTo(4);
    assertThat(Instructions.size(new byte[] {(byte) 0xCA}, 0, 0)).isZero();
    assertThat(Instructions.namesConstant(0x14)).isTrue();
    assertThat(Instructions.namesConstant(0xB9)).isTrue();
    assertThat(Instructions.namesConstant(0xBC)).isFalse();
  }

  private static byte[] spliced(byte[] plain, List<Hook> hooks) {
    Set<Hook> found = Collections.newSetFromMap(new IdentityHashMap<>());
    byte[] spliced = CodeSplice.weave(NAME, plain, hooks, found);
    assertThat(spliced).as("spliced, not left to ASM").isNotNull();
    assertThat(found).hasSize(hooks.size());
    return spliced;
  }

  private static byte[] rewritten(byte[] plain, List<Hook> hooks) {
    return JdkWeaver.rewritten(
        NAME, plain, hooks, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static Object call(Class<?> type, String method, int x) throws Exception {
    Method m = type.getDeclaredMethod(method, String.class, int.class);
    return m.invoke(null, "text", x);
  }

  private static Class<?> define(byte[] classFile) {
    return new ClassLoader(SpliceWalkTest.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(null, classFile, 0, classFile.length);
      }
    }.define();
  }

  private static String text(byte[] classFile) {
    StringWriter text = new StringWriter();
    new ClassReader(classFile).accept(new TraceClassVisitor(new PrintWriter(text)), 0);
    return text.toString();
  }

  /**
   * {@return a class whose methods {@code (String s, int x)} use every kind of instruction the walk
   * knows}, its pool past 255 constants; with {@code typeAnnotated}, one carries a type annotation
   * on an instruction
   */
  private static byte[] synthetic(boolean typeAnnotated) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, NAME, null, "java/lang/Object", null);
    writer.visitField(Opcodes.ACC_STATIC, "field", "I", null, null).visitEnd();
    // 300 strings first: the pool is past 255 before the methods' constants.
    MethodVisitor filler = writer.visitMethod(Opcodes.ACC_STATIC, "filler", "()V", null, null);
    filler.visitCode();
    for (int i = 0; i < 300; i++) {
      filler.visitLdcInsn("filler " + i);
      filler.visitInsn(Opcodes.POP);
    }
    filler.visitInsn(Opcodes.RETURN);
    filler.visitMaxs(0, 0);
    filler.visitEnd();
    for (int padding = 0; padding < 4; padding++) {
      MethodVisitor m = method(writer, "table" + padding);
      for (int i = 0; i < padding; i++) {
        m.visitInsn(Opcodes.NOP);
      }
      Label one = new Label();
      Label two = new Label();
      Label other = new Label();
      m.visitVarInsn(Opcodes.ILOAD, 1);
      m.visitTableSwitchInsn(1, 2, other, one, two);
      m.visitLabel(one);
      returnString(m, "one");
      m.visitLabel(two);
      returnString(m, "two");
      m.visitLabel(other);
      returnString(m, "other");
      end(m);
    }
    MethodVisitor lookup = method(writer, "lookup");
    Label seven = new Label();
    Label thousand = new Label();
    Label none = new Label();
    lookup.visitVarInsn(Opcodes.ILOAD, 1);
    lookup.visitLookupSwitchInsn(none, new int[] {7, 1000}, new Label[] {seven, thousand});
    lookup.visitLabel(seven);
    returnString(lookup, "seven");
    lookup.visitLabel(thousand);
    returnString(lookup, "thousand");
    lookup.visitLabel(none);
    returnString(lookup, "none");
    end(lookup);

    MethodVisitor wide = method(writer, "wide");
    wide.visitVarInsn(Opcodes.ILOAD, 1);
    wide.visitVarInsn(Opcodes.ISTORE, 300);
    wide.visitIincInsn(300, 1000);
    wide.visitVarInsn(Opcodes.ILOAD, 300);
    box(wide);
    wide.visitInsn(Opcodes.ARETURN);
    end(wide);

    MethodVisitor constants = method(writer, "constants");
    constants.visitLdcInsn(1234567L);
    constants.visitVarInsn(Opcodes.ILOAD, 1);
    constants.visitInsn(Opcodes.I2L);
    constants.visitInsn(Opcodes.LADD);
    constants.visitInsn(Opcodes.L2D);
    constants.visitLdcInsn(0.5d);
    constants.visitInsn(Opcodes.DADD);
    constants.visitLdcInsn(123456);
    constants.visitInsn(Opcodes.I2D);
    constants.visitInsn(Opcodes.DADD);
    constants.visitLdcInsn(2.5f);
    constants.visitInsn(Opcodes.F2D);
    constants.visitInsn(Opcodes.DADD);
    constants.visitMethodInsn(
        Opcodes.INVOKESTATIC, "java/lang/Double", "valueOf", "(D)Ljava/lang/Double;", false);
    constants.visitLdcInsn(Type.getType("Ljava/lang/String;"));
    constants.visitInsn(Opcodes.POP);
    constants.visitInsn(Opcodes.ARETURN);
    end(constants);

    MethodVisitor calls = method(writer, "calls");
    // invokedynamic: the string concatenation bootstrap, with a constant argument.
    calls.visitVarInsn(Opcodes.ALOAD, 0);
    calls.visitVarInsn(Opcodes.ILOAD, 1);
    calls.visitInvokeDynamicInsn(
        "concat",
        "(Ljava/lang/String;I)Ljava/lang/String;",
        new Handle(
            Opcodes.H_INVOKESTATIC,
            Type.getInternalName(StringConcatFactory.class),
            "makeConcatWithConstants",
            MethodType.methodType(
                    CallSite.class,
                    MethodHandles.Lookup.class,
                    String.class,
                    MethodType.class,
                    String.class,
                    Object[].class)
                .toMethodDescriptorString(),
            false),
        "\u0001 and \u0001!");
    // invokeinterface, checkcast, instanceof, anewarray, multianewarray, new, getstatic.
    calls.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/CharSequence");
    if (typeAnnotated) {
      calls.visitInsnAnnotation(
          TypeReference.newTypeArgumentReference(TypeReference.CAST, 0).getValue(),
          null,
          "Ljava/lang/Deprecated;",
          true);
    }
    calls.visitInsn(Opcodes.DUP);
    calls.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/lang/CharSequence", "length", "()I", true);
    calls.visitFieldInsn(Opcodes.GETSTATIC, NAME, "field", "I");
    calls.visitInsn(Opcodes.IADD);
    calls.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
    calls.visitTypeInsn(Opcodes.INSTANCEOF, "[Ljava/lang/Object;");
    calls.visitInsn(Opcodes.POP);
    calls.visitInsn(Opcodes.ICONST_2);
    calls.visitInsn(Opcodes.ICONST_3);
    calls.visitMultiANewArrayInsn("[[Ljava/lang/String;", 2);
    calls.visitInsn(Opcodes.POP);
    calls.visitTypeInsn(Opcodes.NEW, "java/lang/StringBuilder");
    calls.visitInsn(Opcodes.DUP_X1);
    calls.visitInsn(Opcodes.SWAP);
    calls.visitMethodInsn(
        Opcodes.INVOKESPECIAL,
        "java/lang/StringBuilder",
        "<init>",
        "(Ljava/lang/CharSequence;)V",
        false);
    calls.visitMethodInsn(
        Opcodes.INVOKEVIRTUAL,
        "java/lang/StringBuilder",
        "toString",
        "()Ljava/lang/String;",
        false);
    calls.visitInsn(Opcodes.ARETURN);
    end(calls);

    MethodVisitor handler = method(writer, "handler");
    Label start = new Label();
    Label stop = new Label();
    Label caught = new Label();
    handler.visitTryCatchBlock(start, stop, caught, "java/lang/ArithmeticException");
    handler.visitInsn(Opcodes.ACONST_NULL);
    handler.visitVarInsn(Opcodes.ASTORE, 3);
    handler.visitLabel(start);
    handler.visitInsn(Opcodes.ICONST_1);
    handler.visitVarInsn(Opcodes.ILOAD, 1);
    handler.visitInsn(Opcodes.IDIV);
    box(handler);
    handler.visitLabel(stop);
    handler.visitInsn(Opcodes.ARETURN);
    handler.visitLabel(caught);
    handler.visitVarInsn(Opcodes.ASTORE, 2);
    handler.visitVarInsn(Opcodes.ALOAD, 2);
    handler.visitMethodInsn(
        Opcodes.INVOKEVIRTUAL, "java/lang/Throwable", "getMessage", "()Ljava/lang/String;", false);
    handler.visitInsn(Opcodes.ARETURN);
    handler.visitLocalVariable("s", "Ljava/lang/String;", null, start, caught, 0);
    handler.visitLocalVariable("list", "Ljava/util/List;", "Ljava/util/List<*>;", start, stop, 3);
    end(handler);

    // An ldc of a string at an index past 255 in the class, reached by ldc_w there; the donor's
    // own pool is small, so its ldc would not reach it.
    MethodVisitor far = method(writer, "farConstant");
    far.visitLdcInsn("filler 299");
    far.visitInsn(Opcodes.ARETURN);
    end(far);

    writer.visitEnd();
    return writer.toByteArray();
  }

  private static MethodVisitor method(ClassWriter writer, String name) {
    MethodVisitor m =
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, DESCRIPTOR, null, null);
    m.visitCode();
    return m;
  }

  private static void end(MethodVisitor m) {
    m.visitMaxs(0, 0);
    m.visitEnd();
  }

  private static void returnString(MethodVisitor m, String value) {
    m.visitLdcInsn(value);
    m.visitInsn(Opcodes.ARETURN);
  }

  private static void box(MethodVisitor m) {
    m.visitMethodInsn(
        Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
  }
}
