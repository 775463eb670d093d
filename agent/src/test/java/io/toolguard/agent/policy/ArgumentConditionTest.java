package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.policy.read.PolicyException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules with conditions on arguments: every kind of test, their combination, and precedence. */
class ArgumentConditionTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        send_email:
          decision: allow
          when:
            to: {glob: ["*@example.com", "*@example.org"], ignore_case: true}
            subject: {max_length: 10}
        "send_*":
          decision: deny
          when:
            to: {glob: "*@evil.example"}
        refund_order:
          - decision: allow
            when: {amount: {max: 100}, currency: {one_of: [EUR, USD]}}
          - decision: ask
            when: {amount: {above: 100}}
        fetch:
          decision: allow
          when: {url: {url_to: ["docs.example.com:443", "10.0.0.1:80"]}}
        open_file:
          decision: allow
          when: {path: {inside: ["data/**"]}}
        lookup:
          decision: allow
          when:
            id: {regex: "[A-Z]{2}-[0-9]{1,6}"}
            order.amount: {min: 1, below: 50}
            items: {min_length: 1, max_length: 3}
      """;

  private final Policy policy;

  ArgumentConditionTest() throws PolicyException {
    policy = PolicyText.parse(POLICY);
  }

  private static ToolArguments args(Object... namesAndValues) {
    List<String> names = new java.util.ArrayList<>();
    List<Object> values = new java.util.ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      names.add((String) namesAndValues[i]);
      values.add(namesAndValues[i + 1]);
    }
    return new ToolArguments(names, values.toArray(), Path::normalize);
  }

  private Outcome outcome(String tool, ToolArguments arguments) {
    return policy.decide(tool, DeclaredRisk.of(Risk.LOW), arguments).outcome();
  }

  @Test
  void anAllowRuleAppliesOnlyWhenAllItsConditionsHold() {
    assertThat(outcome("send_email", args("to", "Bob@Example.COM", "subject", "hi")))
        .isEqualTo(Outcome.ALLOW);
    assertThat(outcome("send_email", args("to", "bob@example.org", "subject", "hi")))
        .isEqualTo(Outcome.ALLOW);
    assertThat(outcome("send_email", args("to", "bob@example.com", "subject", "far too long")))
        .isEqualTo(Outcome.DENY);
    assertThat(outcome("send_email", args("to", "bob@example.com.evil", "subject", "hi")))
        .as("globs are anchored")
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void whenNoRuleAppliesUnlistedToolsDecidesAndTheReasonNamesTheFailedCondition() {
    ToolDecision decision =
        policy.decide(
            "send_email",
            DeclaredRisk.of(Risk.LOW),
            args("to", "mallory@other.example", "subject", "hi"));

    assertThat(decision.verdict()).isEqualTo(Verdict.DENY);
    assertThat(decision.rule()).isEqualTo("app.yaml (default unlisted_tools: deny)");
    assertThat(decision.reason())
        .contains("policy rule 'send_email' (line 4) does not apply")
        .contains("'to' does not satisfy: matches glob [\"*@example.com\", \"*@example.org\"]")
        .doesNotContain("mallory")
        .endsWith("unlisted tools are denied");
  }

  @Test
  void aDenyRuleWithAConditionBeatsAnAllowRule() {
    ToolDecision decision =
        policy.decide(
            "send_email",
            DeclaredRisk.of(Risk.LOW),
            args("to", "attacker@evil.example", "subject", "hi"));

    assertThat(decision.verdict()).isEqualTo(Verdict.DENY);
    assertThat(decision.rule()).isEqualTo("app.yaml:9");
    assertThat(decision.reason())
        .isEqualTo(
            "denied by policy rule 'send_*' (its conditions: to matches glob \"*@evil.example\")");
  }

  @Test
  void aDenyRuleAppliesWhenItsConditionCannotBeJudgedButAnAllowRuleDoesNot() {
    // no parameter 'to' at all: the deny rule cannot tell, so it applies
    assertThat(policy.decide("send_sms", DeclaredRisk.of(Risk.LOW), args("number", "1")).rule())
        .isEqualTo("app.yaml:9");
    // an object where a text is wanted
    assertThat(outcome("send_sms", args("to", new StringBuilder("x@evil.example"))))
        .isEqualTo(Outcome.DENY);
    assertThat(
            outcome("send_email", args("to", new StringBuilder("bob@example.com"), "subject", "")))
        .isEqualTo(Outcome.DENY);
    // a text that surely does not match: the deny rule does not apply
    assertThat(policy.decide("send_sms", DeclaredRisk.of(Risk.LOW), args("to", "bob")).rule())
        .isEqualTo("app.yaml (default unlisted_tools: deny)");
  }

  @Test
  void askBeatsAllowAndRangesDecideWhereEachApplies() {
    assertThat(outcome("refund_order", args("amount", 100, "currency", "EUR")))
        .isEqualTo(Outcome.ALLOW);
    assertThat(outcome("refund_order", args("amount", new BigDecimal("99.99"), "currency", "USD")))
        .isEqualTo(Outcome.ALLOW);
    assertThat(outcome("refund_order", args("amount", "12.50", "currency", "EUR")))
        .as("a text that is a number")
        .isEqualTo(Outcome.ALLOW);
    assertThat(outcome("refund_order", args("amount", 100.01, "currency", "EUR")))
        .isEqualTo(Outcome.ASK);
    assertThat(outcome("refund_order", args("amount", 50, "currency", "GBP")))
        .isEqualTo(Outcome.DENY);
    assertThat(outcome("refund_order", args("amount", "lots", "currency", "EUR")))
        .as("not a number: neither rule applies")
        .isEqualTo(Outcome.DENY);
    assertThat(outcome("refund_order", args("amount", Double.NaN, "currency", "EUR")))
        .isEqualTo(Outcome.DENY);
    assertThat(outcome("refund_order", args("amount", Double.POSITIVE_INFINITY, "currency", "EUR")))
        .isEqualTo(Outcome.ASK);
  }

  @Test
  void aUrlConditionMatchesTheHostAndPortAsWritten() {
    assertThat(outcome("fetch", args("url", "https://docs.example.com/guide")))
        .isEqualTo(Outcome.ALLOW);
    assertThat(outcome("fetch", args("url", "https://DOCS.example.com:443/x")))
        .isEqualTo(Outcome.ALLOW);
    assertThat(outcome("fetch", args("url", "http://10.0.0.1/x"))).isEqualTo(Outcome.ALLOW);
    for (String refused :
        List.of(
            "http://docs.example.com/guide",
            "https://docs.example.com:8443/",
            "https://docs.example.com@evil.example/",
            "https://evil.example/?https://docs.example.com/",
            "https://docs.example.com.evil.example/",
            "file:///etc/passwd",
            "docs.example.com/guide",
            "https://docs.example.com\\@evil.example/",
            "http://10.0.0.1:8080/")) {
      assertThat(outcome("fetch", args("url", refused))).as(refused).isEqualTo(Outcome.DENY);
    }
  }

  @Test
  void aPathConditionIsDecidedOnWhereThePathLeads() {
    assertThat(outcome("open_file", args("path", "data/report.md"))).isEqualTo(Outcome.ALLOW);
    assertThat(outcome("open_file", args("path", "/srv/box/data/x"))).isEqualTo(Outcome.ALLOW);
    assertThat(outcome("open_file", args("path", Path.of("data/a/b")))).isEqualTo(Outcome.ALLOW);
    assertThat(outcome("open_file", args("path", "data/../secrets/key"))).isEqualTo(Outcome.DENY);
    assertThat(outcome("open_file", args("path", "/etc/passwd"))).isEqualTo(Outcome.DENY);
    ToolArguments linked =
        new ToolArguments(
            List.of("path"),
            new Object[] {"data/link"},
            path -> path.toString().endsWith("link") ? Path.of("/etc/shadow") : path);
    assertThat(outcome("open_file", linked)).as("a link out of data").isEqualTo(Outcome.DENY);
  }

  record Order(String id, BigDecimal amount) {}

  @Test
  void regexLengthsAndPathsIntoRecordsMapsAndLists() {
    assertThat(
            outcome(
                "lookup",
                args("id", "AB-123", "order", new Order("x", BigDecimal.TEN), "items", List.of(1))))
        .isEqualTo(Outcome.ALLOW);
    assertThat(
            outcome(
                "lookup",
                args("id", "AB-123", "order", Map.of("amount", 49), "items", List.of(1, 2, 3))))
        .isEqualTo(Outcome.ALLOW);
    assertThat(
            outcome(
                "lookup", args("id", "AB-123x", "order", Map.of("amount", 5), "items", List.of(1))))
        .as("regexes are anchored")
        .isEqualTo(Outcome.DENY);
    assertThat(
            outcome(
                "lookup", args("id", "AB-1", "order", Map.of("amount", 50), "items", List.of(1))))
        .as("below is exclusive")
        .isEqualTo(Outcome.DENY);
    assertThat(
            outcome("lookup", args("id", "AB-1", "order", Map.of("amount", 5), "items", List.of())))
        .isEqualTo(Outcome.DENY);
    assertThat(outcome("lookup", args("id", "AB-1", "order", Map.of(), "items", List.of(1))))
        .as("no such entry")
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void explainingNamesTheConditionThatFailedForEachRule() {
    Evaluation evaluation =
        policy.evaluate(
            "send_email",
            DeclaredRisk.of(Risk.LOW),
            args("to", "attacker@evil.example", "subject", "hi"));

    assertThat(evaluation.deciding().orElseThrow().pattern()).isEqualTo("send_*");
    assertThat(evaluation.outranked())
        .extracting(Evaluation.Outranked::why)
        .containsExactly(
            "its condition at line 7 does not hold: 'to' does not satisfy: matches glob"
                + " [\"*@example.com\", \"*@example.org\"] (ignoring case)");
  }

  @Test
  void withoutArgumentsOnlyDenyRulesWithConditionsApply() {
    assertThat(policy.decide("send_email", DeclaredRisk.of(Risk.LOW)).rule())
        .isEqualTo("app.yaml:9");
    assertThat(policy.decide("fetch", DeclaredRisk.of(Risk.LOW)).reason())
        .contains("the tool has no parameter 'url' (no arguments given)");
  }
}
