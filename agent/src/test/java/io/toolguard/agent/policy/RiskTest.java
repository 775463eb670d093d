package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RiskTest {

  @Test
  void theAgentKnowsExactlyTheRisksOfThePublicApi() {
    assertThat(Arrays.stream(Risk.values()).map(Enum::name))
        .containsExactlyElementsOf(
            Arrays.stream(io.toolguard.api.Risk.values()).map(Enum::name).toList());
  }

  @Test
  void highAndCriticalNeedApproval() {
    assertThat(Risk.LOW.needsApproval()).isFalse();
    assertThat(Risk.MEDIUM.needsApproval()).isFalse();
    assertThat(Risk.HIGH.needsApproval()).isTrue();
    assertThat(Risk.CRITICAL.needsApproval()).isTrue();
  }

  @Test
  void namesAreReadInUpperOrLowerCase() {
    assertThat(Risk.named("critical")).contains(Risk.CRITICAL);
    assertThat(Risk.named("MEDIUM")).contains(Risk.MEDIUM);
    assertThat(Risk.named("Medium")).isEmpty();
    assertThat(Risk.named("severe")).isEmpty();
  }
}
