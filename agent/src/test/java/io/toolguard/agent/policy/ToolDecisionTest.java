package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolDecisionTest {

  private final ToolDecision asking;

  ToolDecisionTest() throws Exception {
    Policy policy =
        PolicyText.parse(
            """
        version: 1
        sandbox: /srv/box
        tools:
          publish:
            decision: ask
            files:
              write: ["out/**"]
        """);
    asking = policy.decide("publish", DeclaredRisk.of(Risk.LOW));
  }

  @Test
  void anApprovedCallIsAllowedWithTheGrantsOfItsRule() {
    ToolDecision approved = asking.settled(true, "approved by a person");

    assertThat(approved.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(approved.outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(approved.reason()).isEqualTo("approved by a person");
    assertThat(approved.rule()).isEqualTo(asking.rule());
    assertThat(approved.grants()).isEqualTo(asking.grants());
    assertThat(approved.grants().files().write()).isNotEmpty();
  }

  @Test
  void aRefusedCallIsDeniedAndKeepsNoGrants() {
    ToolDecision refused = asking.settled(false, "refused by a person");

    assertThat(refused.verdict()).isEqualTo(Verdict.DENY);
    assertThat(refused.outcome()).isEqualTo(Outcome.DENY);
    assertThat(refused.reason()).isEqualTo("refused by a person");
    assertThat(refused.grants()).isEqualTo(Grants.NONE);
  }
}
