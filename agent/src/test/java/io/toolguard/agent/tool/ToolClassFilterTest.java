package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolClassFilterTest {

  private final ToolClassFilter filter =
      new ToolClassFilter(new ToolAnnotations(List.of()), List.of());
  private final ClassLoader loader = getClass().getClassLoader();

  @Test
  void theJdksApplicationLoaderTakesOnlyTheJdksModulesPackagesForTheJdks() {
    ClassLoader application = ClassLoader.getSystemClassLoader();
    for (String jdk :
        List.of(
            "java/util/AbstractList",
            "javax/swing/AbstractAction",
            "jdk/internal/misc/Unsafe",
            "sun/misc/Unsafe",
            "com/sun/net/httpserver/Filter")) {
      assertThat(filter.isJdks(application, jdk)).as(jdk).isTrue();
    }
    for (String theirs :
        List.of(
            "com/sun/toolguard/probe/Burner",
            "javax/toolguardprobe/Base",
            "jdk/toolguardprobe/Base",
            "com/example/Base")) {
      assertThat(filter.isJdks(application, theirs)).as(theirs).isFalse();
    }
    ClassLoader own = new ClassLoader(application) {};
    assertThat(filter.isJdks(own, "javax/swing/AbstractAction"))
        .as("a loader of the application's own may define it itself")
        .isFalse();
    assertThat(filter.isJdks(own, "java/util/AbstractList")).isTrue();
  }

  @Test
  void aClassNamingAToolAnnotationMayDeclareTools() {
    assertThat(mayDeclareTools(ToolAnnotationsTest.Direct.class)).isTrue();
  }

  @Test
  void aClassWhoseInterfaceOrSuperclassDeclaresToolsMayDeclareToolsThoughItsOwnBytesNameNone() {
    assertThat(
            new String(
                bytes(ToolAnnotationsTest.SmtpMailer.class),
                java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("Tool;");

    assertThat(mayDeclareTools(ToolAnnotationsTest.SmtpMailer.class)).isTrue();
    assertThat(mayDeclareTools(ToolAnnotationsTest.Overriding.class)).isTrue();
    assertThat(mayDeclareTools(Grandchild.class)).as("two levels down").isTrue();
  }

  @Test
  void aSuperTypeReadAheadForItsSubclassIsNotReadAgainWhenItLoads() {
    assertThat(mayDeclareTools(Grandchild.class)).isTrue();

    // Handed another class's bytes under its name, Overriding is still answered from what was read
    // ahead.
    assertThat(
            filter.mayDeclareTools(
                loader,
                ToolAnnotationsTest.Overriding.class.getName().replace('.', '/'),
                bytes(Plain.class)))
        .isTrue();
  }

  @Test
  void aClassNamingAToolAnnotationIsRememberedForItsSubclasses() {
    // A loader that sees the tool annotations but has no class file for x/Base: only what was
    // learnt when x/Base itself loaded can say that x/Child may inherit tools from it.
    ClassLoader noFiles =
        new ClassLoader(loader) {
          @Override
          public java.io.InputStream getResourceAsStream(String name) {
            return name.startsWith("x/") ? null : super.getResourceAsStream(name);
          }
        };

    assertThat(filter.mayDeclareTools(noFiles, "x/Child", childOfBase("x/Child")))
        .as("nothing known of x/Base yet")
        .isFalse();
    assertThat(filter.mayDeclareTools(noFiles, "x/Base", bytes(ToolAnnotationsTest.Direct.class)))
        .isTrue();
    assertThat(filter.mayDeclareTools(noFiles, "x/Child2", childOfBase("x/Child2"))).isTrue();
  }

  /** {@return the class file of an empty class of this name extending x/Base} */
  private static byte[] childOfBase(String name) {
    net.bytebuddy.jar.asm.ClassWriter child = new net.bytebuddy.jar.asm.ClassWriter(0);
    child.visit(
        net.bytebuddy.jar.asm.Opcodes.V17,
        net.bytebuddy.jar.asm.Opcodes.ACC_PUBLIC,
        name,
        null,
        "x/Base",
        null);
    child.visitEnd();
    return child.toByteArray();
  }

  @Test
  void aClassWithNothingToDoWithToolsMayNot() {
    assertThat(mayDeclareTools(Plain.class)).isFalse();
    assertThat(mayDeclareTools(PlainChild.class)).isFalse();
  }

  @Test
  void aLoaderThatSeesNoToolAnnotationCostsOnlyTheScan() {
    ClassLoader blind = new ClassLoader(ClassLoader.getPlatformClassLoader()) {};

    assertThat(filter.mayDeclareTools(blind, "x/Impl", bytes(ToolAnnotationsTest.SmtpMailer.class)))
        .isFalse();
  }

  @Test
  void aLoaderThatPassesForTheApplicationsDoesNotAnswerForItsClasses() {
    // Sees the tool annotations through its parent, equals every loader, hashes as the
    // application's: a tool's loader posing as the application's, whose answers for a class name
    // must not be taken for the application's class of that name.
    ClassLoader poser =
        new ClassLoader(loader) {
          @Override
          public boolean equals(Object other) {
            return true;
          }

          @Override
          public int hashCode() {
            return loader.hashCode();
          }
        };
    // a class whose tools it inherits: its own bytes name no tool annotation
    String name = ToolAnnotationsTest.SmtpMailer.class.getName().replace('.', '/');
    assertThat(mayDeclareTools(Plain.class)).as("the application's loader, known first").isFalse();

    assertThat(filter.mayDeclareTools(poser, name, bytes(Plain.class))).isFalse();
    assertThat(filter.mayDeclareTools(loader, name, bytes(ToolAnnotationsTest.SmtpMailer.class)))
        .as("the application's class, answered for the application's loader")
        .isTrue();
  }

  @Test
  void superTypesReadFromTheClassPathsAloneAnswerAsTheLoadersResourcesDo() {
    // The application's own unnamed module stands in for the boot class path's here, which only
    // toolguard's bootstrap package, defined into the bootstrap loader, can name.
    ToolClassFilter fromClassPaths =
        new ToolClassFilter(new ToolAnnotations(List.of()), List.of(), loader.getUnnamedModule());

    assertThat(
            fromClassPaths.mayDeclareTools(
                loader,
                name(ToolAnnotationsTest.SmtpMailer.class),
                bytes(ToolAnnotationsTest.SmtpMailer.class)))
        .isTrue();
    assertThat(
            fromClassPaths.mayDeclareTools(loader, name(Grandchild.class), bytes(Grandchild.class)))
        .isTrue();
    assertThat(
            fromClassPaths.mayDeclareTools(loader, name(PlainChild.class), bytes(PlainChild.class)))
        .isFalse();
    for (Class<?> type : List.of(Grandchild.class, ToolAnnotationsTest.Mailer.class, Plain.class)) {
      assertThat(fromClassPaths.definedClassFile(loader, name(type))).isEqualTo(bytes(type));
    }
    // a class in a package of the JDK's modules, and one nobody has: as the loader's resources
    assertThat(fromClassPaths.definedClassFile(loader, "java/lang/String"))
        .isEqualTo(ToolClassFilter.classFile(loader, "java/lang/String"));
    assertThat(fromClassPaths.definedClassFile(loader, "x/Nowhere")).isNull();
  }

  private static String name(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private boolean mayDeclareTools(Class<?> type) {
    return filter.mayDeclareTools(loader, type.getName().replace('.', '/'), bytes(type));
  }

  private byte[] bytes(Class<?> type) {
    return ToolClassFilter.classFile(loader, type.getName().replace('.', '/'));
  }

  static class Grandchild extends ToolAnnotationsTest.Overriding {}

  static class Plain implements Runnable {
    @Override
    public void run() {}
  }

  static class PlainChild extends Plain {}
}
