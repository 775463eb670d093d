package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvDecisionTest {

  @Test
  void aToolReadsOnlyTheVariablesAndPropertiesItsGrantNames() throws Exception {
    Policy policy =
        PolicyText.parse(
            "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n"
                + "    env: {variables: [LANG, \"APP_*\"], properties: [user.home]}\n  other:\n    decision: allow\n");
    ToolDecision t = policy.decide("t", DeclaredRisk.of(Risk.LOW));

    assertThat(policy.decideEnv(t, EnvKind.VARIABLE, "APP_MODE").outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(policy.decideEnv(t, EnvKind.VARIABLE, "LANG").reason())
        .isEqualTo("granted by env variable grant \"LANG\" of rule app.yaml:4");
    assertThat(policy.decideEnv(t, EnvKind.VARIABLE, "OPENAI_API_KEY").reason())
        .isEqualTo("no env grant of the tool's rule names the variable OPENAI_API_KEY");
    assertThat(policy.decideEnv(t, EnvKind.PROPERTY, "LANG").outcome())
        .as("a variable grant is not a property grant")
        .isEqualTo(Outcome.DENY);
    assertThat(policy.decideEnv(t, EnvKind.PROPERTY, "user.home").outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(
            policy
                .decideEnv(
                    policy.decide("other", DeclaredRisk.of(Risk.LOW)), EnvKind.VARIABLE, "LANG")
                .outcome())
        .isEqualTo(Outcome.DENY);
  }
}
