package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Reflection is the oracle: for annotation descriptors a patched class file may carry, whatever
 * reflection (which the frameworks ask) reads as {@code io.toolguard.api.Tool}, the agent must read
 * as it too, and its prefilter must let the class through. The agent may take more for a tool,
 * never less.
 */
class AnnotationNamesTest {

  private static final String TOOL = "io.toolguard.api.Tool";

  /** Descriptors for {@code io.toolguard.api.Tool}, plain and patched. */
  private static final List<String> ODD =
      List.of(
          "Lio/toolguard/api/Tool;",
          "Lio/toolguard/api/Tool;x",
          "Lio/toolguard/api/Tool;;",
          "Lio/toolguard/api/Tool;Ljava/lang/Deprecated;",
          "Lio/toolguard/api/Tool; ",
          "Lio/toolguard/api/Tool;<>",
          "Lio/toolguard/api/Tool<TT;>;",
          "Lio/toolguard/api/Tool<*>;",
          "Lio/toolguard/api/Tool<Ljava/util/List<Ljava/lang/String;>;>;",
          "Lio/toolguard/api/Tool<<>>;",
          "Lio/toolguard/api/Tool<",
          "Lio/toolguard/api/Tool<*>;junk",
          "Lio/toolguard/api/Tool<*>.Inner;",
          "Lio/toolguard<*>.api.Tool;",
          "Lio.toolguard.api.Tool;",
          "Lio/toolguard/api.Tool;",
          "Lio/toolguard/api/Tool",
          "Lio/toolguard/api/Tool ",
          "Lio/toolguard/api/Tool:",
          "Lio/toolguard/api/Tool[;",
          "Lio/toolguard/api/Tool>;",
          "Lio/toolguard/api/Tool.;",
          "xLio/toolguard/api/Tool;",
          "[Lio/toolguard/api/Tool;",
          "LLio/toolguard/api/Tool;",
          "TTool;",
          "Lio/toolguard/api/Tools;",
          "Lio/toolguard/api/Tool$;",
          "Lio/toolguard/api$Tool;",
          "L/io/toolguard/api/Tool;",
          "Lio//toolguard/api/Tool;",
          "Lio/toolguard/api/\u00a0Tool;",
          "Lio/toolguard/api/Tool\u2028;",
          "");

  @Test
  void whatReflectionReadsAsTheToolAnnotationTheAgentDoesToo() {
    List<String> reflectionTools = new ArrayList<>();
    for (int i = 0; i < ODD.size(); i++) {
      String descriptor = ODD.get(i);
      byte[] classFile = annotated("probe/Odd" + i, descriptor);
      boolean reflection = reflectionSeesTheTool("probe.Odd" + i, classFile);
      boolean named = AnnotationNames.className(descriptor).equals(TOOL);
      boolean modeled =
          ClassModel.read(classFile, true).methods().stream()
              .filter(method -> method.name().equals("run"))
              .flatMap(method -> method.annotations().stream())
              .anyMatch(annotation -> annotation.type().equals(TOOL));
      boolean prefiltered = prefiltered(List.of(), "probe/Odd" + i, classFile);
      if (reflection) {
        reflectionTools.add(descriptor);
        assertThat(named).as("named: %s", descriptor).isTrue();
      }
      assertThat(modeled).as("read: %s", descriptor).isEqualTo(named);
      assertThat(prefiltered).as("prefilter: %s", descriptor).isEqualTo(named);
    }
    // The oracle answers both ways, and the red team's patch is among what it accepts.
    assertThat(reflectionTools)
        .contains("Lio/toolguard/api/Tool;", "Lio/toolguard/api/Tool;x")
        .doesNotContain("Lio/toolguard/api/Tools;", "xLio/toolguard/api/Tool;");
  }

  @Test
  void namesAreReadAsTheJdksSignatureParserReadsThem() {
    assertThat(AnnotationNames.className("Lcom/example/Outer$Inner;"))
        .isEqualTo("com.example.Outer$Inner");
    assertThat(AnnotationNames.className("Lio/toolguard/api/Tool;x")).isEqualTo(TOOL);
    assertThat(AnnotationNames.className("Lio/toolguard/api/Tool<TT;>;")).isEqualTo(TOOL);
    assertThat(AnnotationNames.className("Lcom/example/Outer<*>.Inner;junk"))
        .isEqualTo("com.example.Outer$Inner");
    assertThat(AnnotationNames.className("Lcom/example/Outer<*>.Inner<*>.Deeper;"))
        .isEqualTo("com.example.Outer$Inner$Deeper");
    // a name the JDK cannot end is none
    assertThat(AnnotationNames.className("Lio/toolguard/api/Tool")).isNotEqualTo(TOOL);
    assertThat(AnnotationNames.className("Lio/toolguard/api/Tool x;")).isNotEqualTo(TOOL);
    assertThat(AnnotationNames.className("Lcom/example/Outer<*>.Inner/x;"))
        .isEqualTo("Lcom/example/Outer<*>.Inner/x;");
  }

  @Test
  void theListedAnnotationsAreNamedAsReflectionNamesThemToo() {
    List<String> listed = List.of("com.example.Tools$Risky");
    assertThat(
            prefiltered(
                listed, "probe/Nested", annotated("probe/Nested", "Lcom/example/Tools<*>.Risky;")))
        .isTrue();
    assertThat(
            prefiltered(
                listed, "probe/Plain", annotated("probe/Plain", "Lcom/example/Tools$Risky;x")))
        .isTrue();
    assertThat(
            prefiltered(
                listed, "probe/Other", annotated("probe/Other", "Lcom/example/Tools$Riskyish;")))
        .isFalse();
  }

  /**
   * {@return whether the prefilter passes the class for the weaving on its own annotations alone}
   * (the bootstrap loader's: nothing read beyond its bytes)
   */
  private static boolean prefiltered(List<String> listed, String name, byte[] classFile) {
    return new ToolClassFilter(new ToolAnnotations(listed), listed)
        .mayDeclareTools(null, name, classFile);
  }

  @Test
  void theJvmRefusesANameSpeltWithOverlongLettersAndWhereItDoesNotThePrefilterReadsIt() {
    for (byte[] overlongT :
        new byte[][] {{(byte) 0xC1, (byte) 0x94}, {(byte) 0xE0, (byte) 0x81, (byte) 0x94}}) {
      String placeholder = "Q".repeat(overlongT.length);
      byte[] classFile = annotated("probe/Overlong", "Lio/toolguard/api/" + placeholder + "ool;");
      byte[] spelled = "Lio/toolguard/api/".getBytes(StandardCharsets.UTF_8);
      int at = indexOf(classFile, spelled) + spelled.length;
      System.arraycopy(overlongT, 0, classFile, at, overlongT.length);

      assertThatThrownBy(() -> new OneClassLoader("probe.Overlong", classFile).load())
          .isInstanceOf(ClassFormatError.class)
          .hasMessageContaining("UTF8");
      // Where the JVM does not check the format (the boot class path, -Xverify:none), it loads
      // the class and reflection reads Tool: the prefilter decodes as the JVM does.
      assertThat(prefiltered(List.of(), "probe/Overlong", classFile))
          .as("overlong %s", Arrays.toString(overlongT))
          .isTrue();
    }
  }

  @Test
  void aConstantIsDecodedAsTheJvmDecodesIt() {
    byte[] overlong = {'L', (byte) 0xC1, (byte) 0x94, 'o', 'o', 'l', ';'};
    assertThat(AnnotationNames.decoded(overlong, 0, overlong.length)).isEqualTo("LTool;");
    byte[] threeBytes = {(byte) 0xE0, (byte) 0x81, (byte) 0x94};
    assertThat(AnnotationNames.decoded(threeBytes, 0, 3)).isEqualTo("T");
    // A lead byte without its continuation stands for itself, and the next byte is read afresh.
    byte[] broken = {(byte) 0xC1, 'T', 'o', 'o', 'l', ';'};
    assertThat(AnnotationNames.decoded(broken, 0, broken.length)).endsWith("Tool;");
    assertThat(AnnotationNames.decoded(broken, 0, broken.length).charAt(0)).isGreaterThan('\u007f');
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  /** {@return whether reflection reports {@code io.toolguard.api.Tool} on the class's method} */
  private static boolean reflectionSeesTheTool(String name, byte[] classFile) {
    Class<?> type = new OneClassLoader(name, classFile).load();
    try {
      return type.getMethod("run").getAnnotation(io.toolguard.api.Tool.class) != null;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError rejected) {
      // A descriptor reflection fails on is no tool for any framework.
      return false;
    }
  }

  /** {@return a class with a method {@code run()} carrying an annotation of this descriptor} */
  static byte[] annotated(String internalName, String descriptor) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V17, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", new String[0]);
    MethodVisitor constructor = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    constructor.visitCode();
    constructor.visitVarInsn(Opcodes.ALOAD, 0);
    constructor.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    constructor.visitInsn(Opcodes.RETURN);
    constructor.visitMaxs(0, 0);
    constructor.visitEnd();
    MethodVisitor run = writer.visitMethod(Opcodes.ACC_PUBLIC, "run", "()V", null, null);
    run.visitAnnotation(descriptor, true).visitEnd();
    run.visitCode();
    run.visitInsn(Opcodes.RETURN);
    run.visitMaxs(0, 0);
    run.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }

  /** Defines one class, delegating everything else to the test's loader. */
  private static final class OneClassLoader extends ClassLoader {
    private final String name;
    private final byte[] classFile;

    OneClassLoader(String name, byte[] classFile) {
      super(AnnotationNamesTest.class.getClassLoader());
      this.name = name;
      this.classFile = classFile;
    }

    Class<?> load() {
      return defineClass(name, classFile, 0, classFile.length);
    }
  }
}
