package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.policy.read.PolicyException;
import org.junit.jupiter.api.Test;

class PolicyDecisionTest {

  static final String POLICY =
      """
      version: 1
      sandbox: box
      tools:
        "*":
          decision: allow
          risk: MEDIUM
        "read_*":
          decision: allow
          risk: LOW
          files:
            read: ["data/**"]
        read_file:
          decision: allow
          files:
            read: ["docs/**"]
        "*_secret":
          decision: deny
        "delete_*":
          decision: deny
        "tie_*":
          decision: allow
        "*_tie":
          decision: allow
          risk: HIGH
      """;

  @Test
  void anExactNameBeatsEveryGlob() throws Exception {
    ToolDecision decision = decide("read_file", DeclaredRisk.of(Risk.CRITICAL));

    assertThat(decision.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(decision.rule()).isEqualTo("app.yaml:12");
    assertThat(decision.grants().files().read())
        .extracting(PathGlob::toString)
        .containsExactly("docs/**");
  }

  @Test
  void withoutARiskInTheRuleTheAnnotationsRiskApplies() throws Exception {
    assertThat(decide("read_file", DeclaredRisk.of(Risk.CRITICAL)).risk()).isEqualTo(Risk.CRITICAL);
  }

  @Test
  void aToolWhoseAnnotationStatesNoRiskTakesThePolicysDefaultRiskAsMcpHintsMoveIt()
      throws Exception {
    Policy medium =
        PolicyText.parse(POLICY.replace("version: 1\n", "version: 1\ndefault_risk: medium\n"));

    assertThat(decide("read_file", DeclaredRisk.UNSTATED).risk())
        .as("default HIGH")
        .isEqualTo(Risk.HIGH);
    assertThat(medium.decide("read_file", DeclaredRisk.UNSTATED).risk()).isEqualTo(Risk.MEDIUM);
    assertThat(medium.decide("read_file", DeclaredRisk.hinted(true, false)).risk())
        .isEqualTo(Risk.LOW);
    assertThat(medium.decide("read_file", DeclaredRisk.hinted(false, true)).risk())
        .isEqualTo(Risk.HIGH);
    assertThat(medium.decide("read_mail", DeclaredRisk.hinted(false, true)).risk())
        .as("the rule's risk wins")
        .isEqualTo(Risk.LOW);
  }

  @Test
  void aRuleCanLowerOrRaiseTheRisk() throws Exception {
    assertThat(decide("read_mail", DeclaredRisk.of(Risk.HIGH)).risk()).isEqualTo(Risk.LOW);
    assertThat(decide("send_mail", DeclaredRisk.of(Risk.LOW)).risk()).isEqualTo(Risk.MEDIUM);
  }

  @Test
  void theGlobWithMoreLiteralCharactersWins() throws Exception {
    ToolDecision decision = decide("read_mail", DeclaredRisk.of(Risk.HIGH));

    assertThat(decision.rule()).isEqualTo("app.yaml:7");
    assertThat(decision.reason()).isEqualTo("allowed by policy rule 'read_*'");
  }

  @Test
  void betweenEquallySpecificGlobsTheEarlierWins() throws Exception {
    ToolDecision decision = decide("tie_tie", DeclaredRisk.of(Risk.LOW));

    assertThat(decision.rule()).isEqualTo("app.yaml:20");
  }

  @Test
  void denyBeatsAllowEvenWhenTheAllowIsMoreSpecific() throws Exception {
    ToolDecision decision = decide("read_secret", DeclaredRisk.of(Risk.LOW));

    assertThat(decision.verdict()).isEqualTo(Verdict.DENY);
    assertThat(decision.rule()).isEqualTo("app.yaml:16");
    assertThat(decision.reason()).isEqualTo("denied by policy rule '*_secret'");
    assertThat(decision.grants().files()).isEqualTo(FileGrants.NONE);
  }

  @Test
  void whenSeveralRulesDenyTheFirstInTheFileDecides() throws Exception {
    assertThat(decide("delete_secret", DeclaredRisk.of(Risk.LOW)).rule()).isEqualTo("app.yaml:16");
  }

  static final String ASKING =
      """
      version: 1
      sandbox: box
      tools:
        deploy_prod:
          decision: allow
          risk: LOW
          files:
            read: ["build/**"]
        "deploy_*":
          decision: ask
          files:
            read: ["**"]
        "*_prod":
          decision: deny
        notify:
          decision: allow
          risk: CRITICAL
        lookup:
          decision: allow
      """;

  @Test
  void anAskRuleBeatsAnAllowRuleEvenAMoreSpecificOne() throws Exception {
    ToolDecision decision =
        PolicyText.parse(ASKING).decide("deploy_test", DeclaredRisk.of(Risk.LOW));

    assertThat(decision.outcome()).isEqualTo(Outcome.ASK);
    assertThat(decision.rule()).isEqualTo("app.yaml:9");
    assertThat(decision.reason()).isEqualTo("policy rule 'deploy_*' asks a person first");
    assertThat(decision.grants().files().read())
        .extracting(PathGlob::toString)
        .containsExactly("**");
  }

  @Test
  void denyBeatsAsk() throws Exception {
    Policy policy = PolicyText.parse(ASKING);

    assertThat(policy.decide("deploy_prod", DeclaredRisk.of(Risk.LOW)).outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(policy.evaluate("deploy_prod", DeclaredRisk.of(Risk.LOW)).outranked())
        .extracting(Evaluation.Outranked::why)
        .containsExactly("deny beats allow", "deny beats ask");
  }

  @Test
  void highAndCriticalRisksAskWithoutAnAskRuleAndLowerRisksDoNot() throws Exception {
    Policy policy = PolicyText.parse(ASKING);

    assertThat(policy.decide("notify", DeclaredRisk.of(Risk.LOW)).outcome()).isEqualTo(Outcome.ASK);
    assertThat(policy.decide("lookup", DeclaredRisk.of(Risk.HIGH)).outcome())
        .isEqualTo(Outcome.ASK);
    assertThat(policy.decide("lookup", DeclaredRisk.of(Risk.MEDIUM)).outcome())
        .isEqualTo(Outcome.ALLOW);
  }

  @Test
  void unlistedToolsCanBeLeftToAPerson() throws Exception {
    Policy policy = PolicyText.parse("version: 1\nsandbox: box\nunlisted_tools: ask\n");

    assertThat(policy.decide("b", DeclaredRisk.of(Risk.LOW)).outcome()).isEqualTo(Outcome.ASK);
  }

  @Test
  void unlistedToolsAreDeniedByDefault() throws Exception {
    Policy policy =
        PolicyText.parse("version: 1\nsandbox: box\ntools:\n  a:\n    decision: allow\n");

    ToolDecision decision = policy.decide("b", DeclaredRisk.of(Risk.LOW));

    assertThat(decision.verdict()).isEqualTo(Verdict.DENY);
    assertThat(decision.rule()).isEqualTo("app.yaml (default unlisted_tools: deny)");
    assertThat(decision.reason())
        .isEqualTo("no policy rule names this tool; unlisted tools are denied");
  }

  @Test
  void unlistedToolsCanBeAllowedAtTheirDeclaredRiskWithNoFiles() throws Exception {
    Policy policy = PolicyText.parse("version: 1\nsandbox: box\nunlisted_tools: allow\n");

    ToolDecision decision = policy.decide("b", DeclaredRisk.of(Risk.MEDIUM));

    assertThat(decision.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(decision.risk()).isEqualTo(Risk.MEDIUM);
    assertThat(decision.rule()).isEqualTo("app.yaml:3");
    assertThat(decision.grants().files()).isEqualTo(FileGrants.NONE);
  }

  @Test
  void toolNameGlobsMatchAnyRunOfCharacters() {
    assertThat(rule("*").matches("")).isTrue();
    assertThat(rule("*").matches("anything")).isTrue();
    assertThat(rule("read_*").matches("read_")).isTrue();
    assertThat(rule("read_*").matches("read")).isFalse();
    assertThat(rule("*_file").matches("read_file")).isTrue();
    assertThat(rule("*_file").matches("read_file2")).isFalse();
    assertThat(rule("a*b*c").matches("abc")).isTrue();
    assertThat(rule("a*b*c").matches("aXbYbZc")).isTrue();
    assertThat(rule("a*b*c").matches("aXbYc_")).isFalse();
    assertThat(rule("read_file").matches("read_files")).isFalse();
    assertThat(rule("read.file").matches("readXfile")).isFalse();
  }

  private static ToolRule rule(String pattern) {
    return new ToolRule(
        pattern,
        Verdict.ALLOW,
        java.util.Optional.empty(),
        Grants.NONE,
        new Location("app.yaml", 1, 1));
  }

  private static ToolDecision decide(String tool, DeclaredRisk declared) throws PolicyException {
    return PolicyText.parse(POLICY).decide(tool, declared);
  }
}
