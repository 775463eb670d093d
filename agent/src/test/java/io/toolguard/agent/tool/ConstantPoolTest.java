package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

class ConstantPoolTest {

  @Test
  void readsWhatAsmReadsInEveryClassOfTheJdksBaseModuleAndOfToolguard() throws IOException {
    List<byte[]> classFiles = new ArrayList<>();
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    addClassFiles(jrt.getPath("/modules/java.base"), classFiles);
    addClassFiles(
        Path.of(
            ToolClassFilter.class.getProtectionDomain().getCodeSource().getLocation().getPath()),
        classFiles);
    addClassFiles(
        Path.of(
            ConstantPoolTest.class.getProtectionDomain().getCodeSource().getLocation().getPath()),
        classFiles);
    assertThat(classFiles).hasSizeGreaterThan(3000);

    int annotated = 0;
    int nested = 0;
    for (byte[] classFile : classFiles) {
      ConstantPool pool = ConstantPool.read(classFile);
      ClassReader asm = new ClassReader(classFile);
      assertThat(pool).as(asm.getClassName()).isNotNull();
      List<String> supertypes = new ArrayList<>();
      if (asm.getSuperName() != null) {
        supertypes.add(asm.getSuperName());
      }
      supertypes.addAll(List.of(asm.getInterfaces()));
      assertThat(pool.supertypes()).as(asm.getClassName()).isEqualTo(supertypes);
      assertThat(methods(pool)).as(asm.getClassName()).isEqualTo(asmMethods(asm));
      List<String> annotationTypes = asmAnnotationTypes(asm);
      assertThat(pool.annotationTypes())
          .as(asm.getClassName() + ", each type once")
          .containsExactlyInAnyOrderElementsOf(new java.util.LinkedHashSet<>(annotationTypes));
      annotated += annotationTypes.isEmpty() ? 0 : 1;
      nested += annotationTypes.size() > new java.util.HashSet<>(annotationTypes).size() ? 1 : 0;
    }
    assertThat(annotated).as("classes with annotations").isGreaterThan(500);
    assertThat(nested).as("classes with an annotation type twice, or nested").isPositive();
  }

  @Test
  void annotationTypesAreReadFromTheClassAndItsMethodsAndNestedValuesOnly() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "x/Annotated", null, "java/lang/Object", null);
    writer.visitAnnotation("Lx/OnClass;", true).visitEnd();
    writer.visitAnnotation("Lx/Invisible;", false).visitEnd();
    net.bytebuddy.jar.asm.FieldVisitor field =
        writer.visitField(Opcodes.ACC_PUBLIC, "field", "I", null, null);
    field.visitAnnotation("Lx/OnField;", true).visitEnd();
    field.visitEnd();
    net.bytebuddy.jar.asm.MethodVisitor method =
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "run", "(I)V", null, null);
    net.bytebuddy.jar.asm.AnnotationVisitor marked = method.visitAnnotation("Lx/OnMethod;", true);
    marked.visit("number", 3);
    marked.visitEnum("kind", "Lx/Kind;", "A");
    marked.visit("type", net.bytebuddy.jar.asm.Type.getType("Lx/Literal;"));
    marked.visitAnnotation("inner", "Lx/Nested;").visitEnd();
    net.bytebuddy.jar.asm.AnnotationVisitor array = marked.visitArray("many");
    array.visitAnnotation(null, "Lx/InArray;").visitEnd();
    array.visit(null, "text");
    array.visitEnd();
    marked.visitEnd();
    method.visitParameterAnnotation(0, "Lx/OnParameter;", true).visitEnd();
    method.visitEnd();
    writer.visitEnd();

    assertThat(ConstantPool.read(writer.toByteArray()).annotationTypes())
        .containsExactlyInAnyOrder(
            "Lx/OnClass;", "Lx/Invisible;", "Lx/OnMethod;", "Lx/Nested;", "Lx/InArray;");
    assertThat(ConstantPool.read(bytes(ConstantPoolTest.class)).annotationTypes())
        .as("JUnit's @Test on its methods")
        .contains("Lorg/junit/jupiter/api/Test;");
  }

  @Test
  void aTypeUsedOverAndOverIsReadOnce() {
    String descriptor = "L" + "a".repeat(60_000) + ";";
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "x/Big", null, "java/lang/Object", null);
    net.bytebuddy.jar.asm.AnnotationVisitor top = writer.visitAnnotation(descriptor, true);
    net.bytebuddy.jar.asm.AnnotationVisitor array = top.visitArray("value");
    for (int i = 0; i < 3000; i++) {
      array.visitAnnotation(null, descriptor).visitEnd();
    }
    array.visitEnd();
    top.visitEnd();
    writer.visitEnd();
    byte[] classFile = writer.toByteArray();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    assertThat(ConstantPool.read(classFile).annotationTypes()).containsExactly(descriptor);
    assertThat(threads.getCurrentThreadAllocatedBytes() - before)
        .as("allocated reading a %d-byte class file", classFile.length)
        .isLessThan(20L * classFile.length);
  }

  @Test
  void annotationsItCannotReadAreSaidSo() {
    byte[] classFile = nestedAnnotations(40);
    assertThat(ConstantPool.read(nestedAnnotations(30)).annotationTypes()).hasSize(31);
    assertThatThrownBy(() -> ConstantPool.read(classFile).annotationTypes())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper");

    // a value of a kind no class file has: the innermost annotation's tag, the last '@' of the
    // file (the class's attributes come last, and this one's indexes are all below '@')
    byte[] annotated = nestedAnnotations(3);
    byte[] unknownTag = annotated.clone();
    int tag = unknownTag.length - 1;
    while (unknownTag[tag] != '@') {
      tag--;
    }
    unknownTag[tag] = '?';
    assertThat(ConstantPool.read(annotated).annotationTypes()).hasSize(4);
    assertThatThrownBy(() -> ConstantPool.read(unknownTag).annotationTypes())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown kind");
    // cut short anywhere: said so, or read as far as the cut allows
    for (int length = 0; length < annotated.length; length++) {
      ConstantPool pool = ConstantPool.read(java.util.Arrays.copyOf(annotated, length));
      if (pool != null) {
        try {
          pool.annotationTypes();
        } catch (IllegalArgumentException cutShort) {
          // said so; anything else would fail the test
        }
      }
    }
  }

  @Test
  void arraysNestedInArraysAreBoundedToo() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "x/Arrays", null, "java/lang/Object", null);
    net.bytebuddy.jar.asm.AnnotationVisitor[] open =
        new net.bytebuddy.jar.asm.AnnotationVisitor[41];
    open[0] = writer.visitAnnotation("Lx/Outer;", true);
    open[1] = open[0].visitArray("value");
    for (int i = 2; i < open.length; i++) {
      open[i] = open[i - 1].visitArray(null);
    }
    for (int i = open.length - 1; i >= 0; i--) {
      open[i].visitEnd();
    }
    writer.visitEnd();

    assertThatThrownBy(() -> ConstantPool.read(writer.toByteArray()).annotationTypes())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper");
  }

  /** {@return a class whose one annotation holds another, {@code depth} deep} */
  private static byte[] nestedAnnotations(int depth) {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "x/Deep", null, "java/lang/Object", null);
    net.bytebuddy.jar.asm.AnnotationVisitor[] open =
        new net.bytebuddy.jar.asm.AnnotationVisitor[depth + 1];
    open[0] = writer.visitAnnotation("Lx/Nested0;", true);
    for (int i = 1; i <= depth; i++) {
      open[i] = open[i - 1].visitAnnotation("value", "Lx/Nested" + i + ";");
    }
    for (int i = depth; i >= 0; i--) {
      open[i].visitEnd();
    }
    writer.visitEnd();
    return writer.toByteArray();
  }

  /**
   * The reference: the descriptor of every annotation ASM visits on the class and its methods, with
   * the annotations in their values.
   */
  private static List<String> asmAnnotationTypes(ClassReader asm) {
    List<String> types = new ArrayList<>();
    net.bytebuddy.jar.asm.AnnotationVisitor values =
        new net.bytebuddy.jar.asm.AnnotationVisitor(Opcodes.ASM9) {
          @Override
          public net.bytebuddy.jar.asm.AnnotationVisitor visitAnnotation(
              String name, String descriptor) {
            types.add(descriptor);
            return this;
          }

          @Override
          public net.bytebuddy.jar.asm.AnnotationVisitor visitArray(String name) {
            return this;
          }
        };
    asm.accept(
        new net.bytebuddy.jar.asm.ClassVisitor(Opcodes.ASM9) {
          @Override
          public net.bytebuddy.jar.asm.AnnotationVisitor visitAnnotation(
              String descriptor, boolean visible) {
            types.add(descriptor);
            return values;
          }

          @Override
          public net.bytebuddy.jar.asm.MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] thrown) {
            return new net.bytebuddy.jar.asm.MethodVisitor(Opcodes.ASM9) {
              @Override
              public net.bytebuddy.jar.asm.AnnotationVisitor visitAnnotation(
                  String annotation, boolean visible) {
                types.add(annotation);
                return values;
              }
            };
          }
        },
        ClassReader.SKIP_CODE);
    return types;
  }

  @Test
  void aToolClassAndOneOnlyInheritingToolsAreToldApart() {
    assertThat(ConstantPool.read(bytes(ToolAnnotationsTest.Direct.class)).annotationTypes())
        .contains(
            "Lio/toolguard/api/Tool;",
            "Lorg/springframework/ai/tool/annotation/Tool;",
            "Lorg/springaicommunity/mcp/annotation/McpTool$McpAnnotations;");
    ConstantPool inheriting = ConstantPool.read(bytes(ToolAnnotationsTest.SmtpMailer.class));
    assertThat(inheriting.annotationTypes()).isEmpty();
    assertThat(inheriting.supertypes())
        .contains(ToolAnnotationsTest.Mailer.class.getName().replace('.', '/'));
  }

  @Test
  void namesBeyondAsciiAreReadAsTheJvmReadsThem() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC,
        "x/Ünïcödé",
        null,
        "x/Bäse\u0000",
        new String[] {"x/日本", "x/Plain"});
    writer.visitEnd();

    assertThat(ConstantPool.read(writer.toByteArray()).supertypes())
        .containsExactly("x/Bäse\u0000", "x/日本", "x/Plain");
  }

  @Test
  void whatItCannotReadItSaysSo() {
    byte[] unknownConstant = {
      (byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 99, 0, 2, 99, 0, 0, 0, 0
    };
    assertThat(ConstantPool.read(unknownConstant)).isNull();
    assertThat(ConstantPool.read("not a class file".getBytes(StandardCharsets.UTF_8))).isNull();
    byte[] classFile = bytes(ToolAnnotationsTest.Direct.class);
    List<String> whole = ConstantPool.read(classFile).annotationTypes();
    int cutShort = 0;
    for (int length = 0; length < classFile.length; length++) {
      ConstantPool pool = ConstantPool.read(java.util.Arrays.copyOf(classFile, length));
      if (pool != null) {
        // truncated past the pool: the annotations are all there (only an attribute of another
        // kind at the end was cut), or it says they are cut short
        try {
          assertThat(pool.annotationTypes()).as("cut at %d", length).isEqualTo(whole);
        } catch (IllegalArgumentException said) {
          cutShort++;
        }
      }
    }
    assertThat(cutShort).as("cuts that reach into the annotations").isGreaterThan(100);
  }

  @Test
  void anAttributeWhoseLengthReachesBackIsSaidSo() {
    // A length of 2^32 - 16, read as an int, would send the walk 10 bytes back over the same
    // bytes; the JVM reads it unsigned, past the file's end.
    ClassWriter writer = annotatedWithALong("x/Back");
    writer
        .visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "m", "()V", null, null)
        .visitEnd();
    writer.visitEnd();
    byte[] classFile = writer.toByteArray();
    ClassReader asm = new ClassReader(classFile);
    int name = 0;
    for (int index = 1; index < asm.getItemCount(); index++) {
      int offset = asm.getItem(index);
      if (offset != 0
          && classFile[offset - 1] == 1
          && "ConstantValue"
              .equals(
                  new String(
                      classFile,
                      offset + 2,
                      ConstantPool.u2(classFile, offset),
                      StandardCharsets.ISO_8859_1))) {
        name = index;
      }
    }
    int at = asm.header;
    while (!(ConstantPool.u2(classFile, at) == name
        && ConstantPool.u2(classFile, at + 2) == 0
        && ConstantPool.u2(classFile, at + 4) == 2)) {
      at++;
    }
    assertThat(ConstantPool.read(classFile).annotationTypes()).containsExactly("Lx/A;");
    assertThat(ConstantPool.read(classFile).methods()).hasSize(1);

    byte[] back = classFile.clone();
    back[at + 2] = (byte) 0xFF;
    back[at + 3] = (byte) 0xFF;
    back[at + 4] = (byte) 0xFF;
    back[at + 5] = (byte) 0xF0;
    assertThatThrownBy(() -> ConstantPool.read(back).annotationTypes())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runs past the class file");
    assertThatThrownBy(() -> ConstantPool.read(back).methods())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runs past the class file");
  }

  @Test
  void manyInterfacesAreReadAsAsmReadsThem() {
    String[] interfaces = new String[40];
    for (int i = 0; i < interfaces.length; i++) {
      interfaces[i] = "x/I" + i;
    }
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "x/Wide", null, "x/Base", interfaces);
    writer.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "WIDE", "J", null, 7L).visitEnd();
    writer.visitEnd();
    byte[] classFile = writer.toByteArray();
    List<String> expected = new ArrayList<>(List.of("x/Base"));
    expected.addAll(List.of(interfaces));

    assertThat(ConstantPool.read(classFile).supertypes()).isEqualTo(expected);

    // the last interface pointed at the second index of the Long: no class constant
    ClassReader asm = new ClassReader(classFile);
    int wide = 0;
    for (int index = 1; index < asm.getItemCount(); index++) {
      if (asm.getItem(index) != 0 && classFile[asm.getItem(index) - 1] == 5) {
        wide = index;
      }
    }
    int last = asm.header + 8 + 2 * (interfaces.length - 1);
    byte[] patched = classFile.clone();
    patched[last] = (byte) ((wide + 1) >> 8);
    patched[last + 1] = (byte) (wide + 1);
    assertThatThrownBy(() -> ConstantPool.read(patched).supertypes())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a class");
  }

  /**
   * {@return a class of this name, annotated with {@code x/A}, with a long constant (a pool entry
   * that takes two indexes), still open for more}
   */
  private static ClassWriter annotatedWithALong(String name) {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
    writer.visitAnnotation("Lx/A;", true).visitEnd();
    writer.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "F", "J", null, 7L).visitEnd();
    return writer;
  }

  @Test
  void anAnnotationWhoseTypeIsNoTextIsSaidSo() {
    ClassWriter writer = annotatedWithALong("x/Typed");
    writer.visitEnd();
    byte[] classFile = writer.toByteArray();
    ClassReader asm = new ClassReader(classFile);
    int text = 0;
    int wide = 0;
    int klass = 0;
    for (int index = 1; index < asm.getItemCount(); index++) {
      int offset = asm.getItem(index);
      if (offset == 0) {
        continue;
      }
      switch (classFile[offset - 1]) {
        case 1 ->
            text =
                "Lx/A;"
                        .equals(
                            new String(
                                classFile,
                                offset + 2,
                                ConstantPool.u2(classFile, offset),
                                StandardCharsets.ISO_8859_1))
                    ? index
                    : text;
        case 5 -> wide = index;
        case 7 -> klass = index;
        default -> {}
      }
    }
    // the annotation's type index: the only place past the pool with it and no element pairs
    int at = asm.header;
    while (!(ConstantPool.u2(classFile, at) == text && ConstantPool.u2(classFile, at + 2) == 0)) {
      at++;
    }
    assertThat(ConstantPool.read(classFile).annotationTypes()).containsExactly("Lx/A;");

    for (int notText : new int[] {wide + 1, wide, klass}) {
      byte[] patched = classFile.clone();
      patched[at] = (byte) (notText >> 8);
      patched[at + 1] = (byte) notText;
      assertThatThrownBy(() -> ConstantPool.read(patched).annotationTypes())
          .as("constant %d", notText)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no UTF-8 entry");
    }
  }

  @Test
  void anAttributeNamedByASecondConstantOfTheSameTextHoldsAnnotationsToo() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE,
        "x/Twice",
        null,
        "java/lang/Object",
        null);
    net.bytebuddy.jar.asm.MethodVisitor method =
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "run", "()V", null, null);
    method.visitAnnotation("Lx/Marked;", true).visitEnd();
    method.visitEnd();
    writer.visitEnd();
    byte[] plain = writer.toByteArray();
    ClassReader reader = new ClassReader(plain);
    int poolEnd = reader.header;
    int count = reader.getItemCount();
    // The method's one attribute: after access, this, super, no interfaces, no fields, one method,
    // and the method's access, name, descriptor and attribute count.
    int attributeName = poolEnd + 20;
    byte[] name = "RuntimeVisibleAnnotations".getBytes(StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream twice = new java.io.ByteArrayOutputStream();
    twice.write(plain, 0, 8);
    twice.write(new byte[] {(byte) ((count + 1) >> 8), (byte) (count + 1)}, 0, 2);
    twice.write(plain, 10, poolEnd - 10);
    twice.write(new byte[] {1, 0, (byte) name.length}, 0, 3);
    twice.write(name, 0, name.length);
    twice.write(plain, poolEnd, plain.length - poolEnd);
    byte[] classFile = twice.toByteArray();
    int shifted = attributeName + 3 + name.length;
    assertThat(ConstantPool.u2(classFile, shifted))
        .as("the attribute's name, the pool's first entry of that text")
        .isLessThan(count);
    classFile[shifted] = (byte) (count >> 8);
    classFile[shifted + 1] = (byte) count;

    assertThat(asmAnnotationTypes(new ClassReader(classFile))).containsExactly("Lx/Marked;");
    assertThat(ConstantPool.read(classFile).annotationTypes()).containsExactly("Lx/Marked;");
    assertThat(ConstantPool.read(plain).annotationTypes()).containsExactly("Lx/Marked;");
  }

  /** Each method as {@code name descriptor access code? handlers?}. */
  private static List<String> methods(ConstantPool pool) {
    List<String> methods = new ArrayList<>();
    for (ConstantPool.Method method : pool.methods()) {
      methods.add(
          method.name()
              + " "
              + method.descriptor()
              + " "
              + method.access()
              + " "
              + (method.code() != null)
              + " "
              + method.handlers());
    }
    return methods;
  }

  private static List<String> asmMethods(ClassReader asm) {
    List<String> methods = new ArrayList<>();
    asm.accept(
        new net.bytebuddy.jar.asm.ClassVisitor(Opcodes.ASM9) {
          @Override
          public net.bytebuddy.jar.asm.MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] thrown) {
            boolean[] code = new boolean[1];
            boolean[] handlers = new boolean[1];
            int index = methods.size();
            methods.add(null);
            return new net.bytebuddy.jar.asm.MethodVisitor(Opcodes.ASM9) {
              @Override
              public void visitCode() {
                code[0] = true;
              }

              @Override
              public void visitTryCatchBlock(
                  net.bytebuddy.jar.asm.Label start,
                  net.bytebuddy.jar.asm.Label end,
                  net.bytebuddy.jar.asm.Label handler,
                  String type) {
                handlers[0] = true;
              }

              @Override
              public void visitEnd() {
                // ASM keeps only the access flags a method may have (it drops none here).
                methods.set(
                    index,
                    name
                        + " "
                        + descriptor
                        + " "
                        + (access & 0xffff)
                        + " "
                        + code[0]
                        + " "
                        + handlers[0]);
              }
            };
          }
        },
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return methods;
  }

  private static void addClassFiles(Path root, List<byte[]> classFiles) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (file.toString().endsWith(".class")) {
          classFiles.add(Files.readAllBytes(file));
        }
      }
    }
  }

  private static byte[] bytes(Class<?> type) {
    return ToolClassFilter.classFile(
        ConstantPoolTest.class.getClassLoader(), type.getName().replace('.', '/'));
  }
}
