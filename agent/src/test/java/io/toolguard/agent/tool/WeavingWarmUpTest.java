package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeavingWarmUpTest {

  private final ToolClassFilter filter =
      new ToolClassFilter(new ToolAnnotations(List.of()), List.of());

  @Test
  void weavesItsMadeUpToolClassWhereTheApplicationSeesAToolAnnotation() {
    assertThat(new WeavingWarmUp(filter, getClass().getClassLoader()).warm()).isTrue();
  }

  @Test
  void doesNothingWhereTheApplicationSeesNoToolAnnotation() {
    ClassLoader jdkOnly = new ClassLoader(null) {};

    assertThat(new WeavingWarmUp(filter, jdkOnly).warm()).isFalse();
  }

  @Test
  void memoryOrStackRunOutEndsItQuietly() {
    // An application's own system class loader runs on the warm-up's thread; its stack or the
    // heap can run out there.
    for (VirtualMachineError exhausted :
        List.of(new StackOverflowError(), new OutOfMemoryError("Java heap space"))) {
      ClassLoader exhausting =
          new ClassLoader(null) {
            @Override
            public java.net.URL getResource(String name) {
              throw exhausted;
            }
          };

      org.assertj.core.api.Assertions.assertThatCode(new WeavingWarmUp(filter, exhausting)::run)
          .as(exhausted.toString())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void itsMadeUpClassIsOneTheWeavingTakesForAToolClass() {
    byte[] sample = WeavingWarmUp.sample();

    assertThat(filter.mayDeclareTools(getClass().getClassLoader(), "x/Sample", sample)).isTrue();
    ClassModel type = ClassModel.read(sample, true);
    assertThat(type.methods()).anySatisfy(method -> assertThat(method.name()).isEqualTo("run"));
    assertThat(ToolWeaver.weave(sample, Map.of("run(Ljava/lang/String;)Ljava/lang/String;", 0)))
        .isNotEqualTo(sample);
  }
}
