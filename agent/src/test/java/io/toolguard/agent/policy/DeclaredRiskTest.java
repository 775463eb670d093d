package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeclaredRiskTest {

  @Test
  void aStatedRiskIgnoresThePolicysDefault() {
    assertThat(DeclaredRisk.of(Risk.LOW).under(Risk.CRITICAL)).isEqualTo(Risk.LOW);
  }

  @Test
  void anUnstatedRiskIsThePolicysDefault() {
    assertThat(DeclaredRisk.UNSTATED.under(Risk.HIGH)).isEqualTo(Risk.HIGH);
    assertThat(DeclaredRisk.UNSTATED.under(Risk.MEDIUM)).isEqualTo(Risk.MEDIUM);
    assertThat(DeclaredRisk.hinted(false, false).under(Risk.MEDIUM))
        .as("additive")
        .isEqualTo(Risk.MEDIUM);
  }

  @Test
  void aReadOnlyHintLowersTheDefaultByOneLevelAndNoFurtherThanLow() {
    assertThat(DeclaredRisk.hinted(true, true).under(Risk.HIGH)).isEqualTo(Risk.MEDIUM);
    assertThat(DeclaredRisk.hinted(true, false).under(Risk.CRITICAL)).isEqualTo(Risk.HIGH);
    assertThat(DeclaredRisk.hinted(true, true).under(Risk.LOW)).isEqualTo(Risk.LOW);
  }

  @Test
  void aDestructiveToolIsAtLeastHigh() {
    assertThat(DeclaredRisk.hinted(false, true).under(Risk.LOW)).isEqualTo(Risk.HIGH);
    assertThat(DeclaredRisk.hinted(false, true).under(Risk.MEDIUM)).isEqualTo(Risk.HIGH);
    assertThat(DeclaredRisk.hinted(false, true).under(Risk.CRITICAL)).isEqualTo(Risk.CRITICAL);
  }
}
