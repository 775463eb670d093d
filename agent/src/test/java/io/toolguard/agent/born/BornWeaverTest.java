package io.toolguard.agent.born;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * A born class, woven: each method, constructor and initialiser calls {@code Born.enter} with the
 * call's number before anything else, and the class still does what it did, returns and exceptions
 * alike.
 */
class BornWeaverTest {

  private static byte[] classFile(Class<?> type) throws Exception {
    try (InputStream in =
        type.getResourceAsStream(
            type.getName().substring(type.getPackageName().length() + 1) + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void everyMethodEntersTheCallsContextFirst() throws Exception {
    byte[] woven = BornWeaver.weave(classFile(Sample.class), 7);

    List<String> firstCalls = new ArrayList<>();
    new ClassReader(woven)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {
                  private final List<String> seen = new ArrayList<>();

                  @Override
                  public void visitIntInsn(int opcode, int operand) {
                    seen.add("push " + operand);
                  }

                  @Override
                  public void visitLdcInsn(Object value) {
                    seen.add("push " + value);
                  }

                  @Override
                  public void visitInsn(int opcode) {
                    if (opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5) {
                      seen.add("push " + (opcode - Opcodes.ICONST_0));
                    }
                  }

                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String method, String desc, boolean itf) {
                    if (seen.size() < 2) {
                      seen.add(owner + "." + method);
                    }
                  }

                  @Override
                  public void visitEnd() {
                    firstCalls.add(name + ": " + String.join(", ", seen.subList(0, 2)));
                  }
                };
              }
            },
            0);

    assertThat(firstCalls)
        .containsExactlyInAnyOrder(
            "<clinit>: push 7, io/toolguard/bootstrap/Born.enter",
            "<init>: push 7, io/toolguard/bootstrap/Born.enter",
            "twice: push 7, io/toolguard/bootstrap/Born.enter");
  }

  @Test
  void aWovenClassStillWorks() throws Exception {
    byte[] woven = BornWeaver.weave(classFile(Sample.class), 7);
    Class<?> type =
        new ClassLoader(getClass().getClassLoader()) {
          Class<?> define() {
            return defineClass(Sample.class.getName(), woven, 0, woven.length);
          }
        }.define();
    java.lang.reflect.Constructor<?> make = type.getDeclaredConstructor();
    make.setAccessible(true);
    Object sample = make.newInstance();
    Method twice = type.getDeclaredMethod("twice", int.class);
    twice.setAccessible(true);

    assertThat(twice.invoke(sample, 21)).isEqualTo(42);
    assertThatThrownBy(() -> twice.invoke(sample, -1))
        .isInstanceOf(InvocationTargetException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  static final class Sample {
    static final long STARTED = System.nanoTime();

    Sample() {}

    int twice(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("negative");
      }
      return n * 2;
    }
  }
}
