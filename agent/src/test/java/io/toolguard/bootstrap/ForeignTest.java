package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * {@link Foreign} is compiled against signatures of the foreign function API written out in {@code
 * src/foreign-api}: every method and field of the API it names must be the running JDK's, as named
 * (static or not, the same parameter and return types), or its call would fail with a {@code
 * LinkageError}. Read from its class file, not loaded: below JDK 22 there is nothing to compare.
 */
class ForeignTest {

  private static final String API = "java/lang/foreign/";

  /** One reference of Foreign's code to the API: how it is used, whose, which, of what type. */
  private record Reference(int opcode, String owner, String name, String descriptor) {}

  @Test
  void everyMemberOfTheApiItCallsIsTheJdksAsCompiled() throws Exception {
    assumeTrue(Runtime.version().feature() >= 22, "the foreign function API is JDK 22+");
    List<Reference> references = references();
    assertThat(references)
        .as("Foreign's calls into the API")
        .extracting(Reference::name)
        .contains("nativeLinker", "downcallHandle", "captureStateLayout", "copy", "JAVA_LONG");
    for (Reference reference : references) {
      Class<?> owner = Class.forName(reference.owner().replace('/', '.'));
      if (reference.opcode() == Opcodes.GETSTATIC) {
        Field field = owner.getField(reference.name());
        assertThat(Modifier.isStatic(field.getModifiers())).as("%s", reference).isTrue();
        assertThat(field.getType().descriptorString())
            .as("%s", reference)
            .isEqualTo(reference.descriptor());
        continue;
      }
      MethodType type =
          MethodType.fromMethodDescriptorString(
              reference.descriptor(), ClassLoader.getSystemClassLoader());
      Method method = owner.getMethod(reference.name(), type.parameterArray());
      assertThat(method.getReturnType()).as("%s", reference).isEqualTo(type.returnType());
      assertThat(Modifier.isStatic(method.getModifiers()))
          .as("%s", reference)
          .isEqualTo(reference.opcode() == Opcodes.INVOKESTATIC);
      assertThat(owner.isInterface()).as("%s: the API's types are interfaces", reference).isTrue();
    }
  }

  private static List<Reference> references() throws IOException {
    byte[] classFile;
    try (InputStream in =
        ClassLoader.getSystemResourceAsStream("io/toolguard/bootstrap/Foreign.class")) {
      assertThat(in).as("Foreign's class file among the compiled classes").isNotNull();
      classFile = in.readAllBytes();
    }
    List<Reference> references = new ArrayList<>();
    new ClassReader(classFile)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access,
                  String name,
                  String descriptor,
                  String signature,
                  String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String name, String descriptor, boolean itf) {
                    if (owner.startsWith(API)) {
                      references.add(new Reference(opcode, owner, name, descriptor));
                    }
                  }

                  @Override
                  public void visitFieldInsn(
                      int opcode, String owner, String name, String descriptor) {
                    if (owner.startsWith(API)) {
                      references.add(new Reference(opcode, owner, name, descriptor));
                    }
                  }
                };
              }
            },
            ClassReader.SKIP_DEBUG);
    return references;
  }
}
