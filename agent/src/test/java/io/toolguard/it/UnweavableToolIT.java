package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.UnweavableApp;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool class toolguard cannot weave is not loaded, rather than run its tools undecided: here a
 * valid class file whose stack map frame gives the last parameter's slot and the next one to one
 * {@code long} (optimisers that reuse a parameter's slot write such code; javac does not).
 */
class UnweavableToolIT {

  private static final String POLICY =
      """
      version: 1
      sandbox: .
      tools:
        straddle:
          decision: deny
        lookup:
          decision: allow
          files:
            write: ["markers/**"]
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeTheClass() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Files.createDirectories(dir.resolve("markers"));
    Files.createDirectories(dir.resolve("classes"));
    Files.write(dir.resolve("classes/Straddle.class"), straddle());
  }

  @Test
  void withoutTheAgentTheToolWritesItsMarker() throws Exception {
    ChildJvm.Result result = ChildJvm.in(dir).app(UnweavableApp.class, "classes");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("straddle: ran");
    assertThat(dir.resolve("markers/straddle")).exists();
  }

  @Test
  void withTheAgentTheClassIsRefusedAndOtherToolsRun() throws Exception {
    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml").app(UnweavableApp.class, "classes");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .containsExactly("straddle: not loaded: ClassFormatError", "lookup: ran");
    assertThat(dir.resolve("markers/straddle")).doesNotExist();
    assertThat(dir.resolve("markers/lookup")).exists();
    assertThat(result.stderr())
        .contains(
            "toolguard: ERROR: the class Straddle may declare tools but could not be woven, so it is"
                + " not loaded");
  }

  /**
   * {@code @Tool(name = "straddle") public static void straddle(int)}: stores a {@code long} over
   * its parameter's slot and the next, jumps, and at the jump's target (a frame holding that long)
   * writes {@code markers/straddle}.
   */
  private static byte[] straddle() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "Straddle", null, "java/lang/Object", null);
    MethodVisitor method =
        writer.visitMethod(
            Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC,
            "straddle",
            "(I)V",
            null,
            new String[] {"java/io/IOException"});
    AnnotationVisitor tool = method.visitAnnotation("Lio/toolguard/api/Tool;", true);
    tool.visit("name", "straddle");
    tool.visitEnd();
    method.visitCode();
    method.visitInsn(Opcodes.LCONST_0);
    method.visitVarInsn(Opcodes.LSTORE, 0);
    Label target = new Label();
    method.visitJumpInsn(Opcodes.GOTO, target);
    method.visitLabel(target);
    method.visitFrame(Opcodes.F_NEW, 1, new Object[] {Opcodes.LONG}, 0, new Object[0]);
    MarkerCode.writeMarker(method, "markers/straddle");
    method.visitInsn(Opcodes.RETURN);
    method.visitMaxs(4, 2);
    method.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}
