package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.DescriptorApp;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool whose class file names {@code @Tool} by a descriptor with something after its {@code ;} (a
 * patched constant): reflection ignores the rest and reports {@code @Tool}, so frameworks register
 * and call the method as a tool, and toolguard must decide it as one. Before the fix the agent read
 * no tool there, and the denied tool's body ran.
 */
class AnnotationDescriptorIT {

  private static final String POLICY =
      """
      version: 1
      sandbox: .
      tools:
        secret:
          decision: deny
        lookup:
          decision: allow
          files:
            write: ["markers/**"]
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeTheClasses() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Files.createDirectories(dir.resolve("markers"));
    Files.createDirectories(dir.resolve("classes"));
    Files.write(
        dir.resolve("classes/Trailing.class"), tool("Trailing", "Lio/toolguard/api/Tool;x"));
    Files.write(
        dir.resolve("classes/Doubled.class"),
        tool("Doubled", "Lio/toolguard/api/Tool;Ljava/lang/Deprecated;"));
  }

  @Test
  void withoutTheAgentReflectionSeesToolsAndTheirBodiesRun() throws Exception {
    ChildJvm.Result result =
        ChildJvm.in(dir).app(DescriptorApp.class, "classes", "Trailing", "Doubled");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .containsExactly(
            "Trailing: reflection: @Tool secret",
            "Trailing: ran",
            "Doubled: reflection: @Tool secret",
            "Doubled: ran",
            "lookup: ran");
    assertThat(dir.resolve("markers/Trailing")).exists();
    assertThat(dir.resolve("markers/Doubled")).exists();
  }

  @Test
  void withTheAgentTheyAreDecidedAsToolsAndOrdinaryToolsRun() throws Exception {
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml")
            .app(DescriptorApp.class, "classes", "Trailing", "Doubled");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .containsExactly(
            "Trailing: reflection: @Tool secret",
            "Trailing: denied",
            "Doubled: reflection: @Tool secret",
            "Doubled: denied",
            "lookup: ran");
    assertThat(dir.resolve("markers/Trailing")).doesNotExist();
    assertThat(dir.resolve("markers/Doubled")).doesNotExist();
    assertThat(dir.resolve("markers/lookup")).exists();
  }

  /**
   * {@return a class {@code name} whose {@code public static void secret()}, annotated
   * {@code @Tool(name = "secret")} through this descriptor, writes {@code markers/<name>}}
   */
  private static byte[] tool(String name, String descriptor) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
    MethodVisitor method =
        writer.visitMethod(
            Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC,
            "secret",
            "()V",
            null,
            new String[] {"java/io/IOException"});
    AnnotationVisitor tool = method.visitAnnotation(descriptor, true);
    tool.visit("name", "secret");
    tool.visitEnd();
    method.visitCode();
    MarkerCode.writeMarker(method, "markers/" + name);
    method.visitInsn(Opcodes.RETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}
