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
  void itsMadeUpClassIsOneTheWeavingTakesForAToolClass() {
    byte[] sample = WeavingWarmUp.sample();

    assertThat(filter.mayDeclareTools(getClass().getClassLoader(), "x/Sample", sample)).isTrue();
    ClassModel type = ClassModel.read(sample, true);
    assertThat(type.methods()).anySatisfy(method -> assertThat(method.name()).isEqualTo("run"));
    assertThat(ToolWeaver.weave(sample, Map.of("run(Ljava/lang/String;)Ljava/lang/String;", 0)))
        .isNotEqualTo(sample);
  }
}
