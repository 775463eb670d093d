package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolClassFilterTest {

  private final ToolClassFilter filter =
      new ToolClassFilter(new ToolAnnotations(List.of()), List.of());
  private final ClassLoader loader = getClass().getClassLoader();

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
