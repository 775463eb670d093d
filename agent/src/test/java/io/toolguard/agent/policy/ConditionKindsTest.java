package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.policy.read.PolicyException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edges of each kind of test that {@link ArgumentConditionTest} leaves out: case rules,
 * inclusive and exclusive bounds, lengths in code points, numbers written as text, {@code null},
 * and a deny rule with conditions beside an ask rule.
 */
class ConditionKindsTest {

  private final Policy policy;

  ConditionKindsTest() throws PolicyException {
    policy =
        PolicyText.parse(
            """
            version: 1
            sandbox: /srv/box
            tools:
              t:
                decision: allow
                when:
                  code: {regex: "[a-z]{2}-[0-9]+", ignore_case: true}
                  currency: {one_of: [eur, usd], ignore_case: true}
                  exact: {one_of: [A, "1", true]}
                  n: {min: 1, max: 10}
                  name: {min_length: 2, max_length: 3}
              deploy:
                - decision: ask
                - decision: deny
                  when: {env: {one_of: [prod]}}
            """);
  }

  private Outcome t(Object code, Object currency, Object exact, Object n, Object name) {
    return policy
        .decide(
            "t",
            DeclaredRisk.of(Risk.LOW),
            new ToolArguments(
                List.of("code", "currency", "exact", "n", "name"),
                new Object[] {code, currency, exact, n, name},
                Path::normalize))
        .outcome();
  }

  @Test
  void eachKindAtItsEdges() {
    assertThat(t("AB-1", "EUR", "A", 1, "ab")).isEqualTo(Outcome.ALLOW);
    assertThat(t("ab-12", "Usd", "1", new BigDecimal("10"), "abc")).isEqualTo(Outcome.ALLOW);
    assertThat(t("ab-1", "eur", true, "10.0", "ab"))
        .as("a boolean and a text that is a number compare as written")
        .isEqualTo(Outcome.ALLOW);
    assertThat(t("ab-1", "eur", "a", 1, "ab"))
        .as("one_of without ignore_case")
        .isEqualTo(Outcome.DENY);
    assertThat(t("ab-1", "eur", 1L, 1, "ab"))
        .as("the number 1 is written 1")
        .isEqualTo(Outcome.ALLOW);
    assertThat(t("ab-1", "eur", "A", 0, "ab"))
        .as("min is inclusive, 0 below")
        .isEqualTo(Outcome.DENY);
    assertThat(t("ab-1", "eur", "A", 10.5, "ab")).isEqualTo(Outcome.DENY);
    assertThat(t("ab-1", "eur", "A", "ten", "ab")).as("no number").isEqualTo(Outcome.DENY);
    assertThat(t("ab-1", "eur", "A", 1, "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"))
        .as("three code points, six chars")
        .isEqualTo(Outcome.ALLOW);
    assertThat(t("ab-1", "eur", "A", 1, "abcd")).isEqualTo(Outcome.DENY);
    assertThat(t("ab-1", "eur", "A", 1, List.of(1, 2)))
        .as("a list by its items")
        .isEqualTo(Outcome.ALLOW);
    for (int i = 0; i < 5; i++) {
      Object[] values = {"ab-1", "eur", "A", 1, "ab"};
      values[i] = null;
      assertThat(t(values[0], values[1], values[2], values[3], values[4]))
          .as("null fails every test: " + Arrays.toString(values))
          .isEqualTo(Outcome.DENY);
    }
  }

  @Test
  void aDenyRuleWhoseConditionsHoldBeatsAnAskRuleAndOtherwiseTheAskRuleDecides() {
    ToolArguments prod = new ToolArguments(List.of("env"), new Object[] {"prod"}, Path::normalize);
    ToolArguments test = new ToolArguments(List.of("env"), new Object[] {"test"}, Path::normalize);
    ToolArguments unreadable =
        new ToolArguments(
            List.of("env"), new Object[] {new StringBuilder("prod")}, Path::normalize);

    assertThat(policy.decide("deploy", DeclaredRisk.of(Risk.LOW), prod).outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(policy.decide("deploy", DeclaredRisk.of(Risk.LOW), test).outcome())
        .isEqualTo(Outcome.ASK);
    assertThat(policy.decide("deploy", DeclaredRisk.of(Risk.LOW), unreadable).outcome())
        .as("a value toolguard cannot judge does not slip past a deny rule")
        .isEqualTo(Outcome.DENY);
  }
}
