package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which of several matching allow and ask rules decides a call. */
class RuleRankingTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        deploy_test:
          decision: allow
          risk: LOW
        "deploy_*":
          decision: ask
        "tie_*":
          decision: allow
        "*_tie":
          decision: allow
          risk: HIGH
      """;

  private final Policy policy;

  RuleRankingTest() throws Exception {
    policy = PolicyText.parse(POLICY);
  }

  @Test
  void anAskGlobBeatsAnAllowRuleThatNamesTheToolExactly() {
    ToolDecision decision = policy.decide("deploy_test", DeclaredRisk.of(Risk.LOW));

    assertThat(decision.outcome()).isEqualTo(Outcome.ASK);
    assertThat(decision.rule()).isEqualTo("app.yaml:7");
    assertThat(policy.evaluate("deploy_test", DeclaredRisk.of(Risk.LOW)).outranked())
        .extracting(Evaluation.Outranked::why)
        .containsExactly("ask beats allow");
  }

  @Test
  void betweenEquallySpecificAllowGlobsTheEarlierDecidesAndTheLaterIsToldWhy() {
    Evaluation evaluation = policy.evaluate("tie_tie", DeclaredRisk.of(Risk.LOW));

    assertThat(evaluation.decision().rule()).isEqualTo("app.yaml:9");
    assertThat(evaluation.decision().outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(evaluation.outranked())
        .extracting(Evaluation.Outranked::why)
        .containsExactly("equally specific, and 'tie_*' comes first in the file");
  }
}
