package io.toolguard.agent.policy.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.policy.Policy;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading {@code when}: every mistake with file:line:col, and what can never hold as a warning. */
class ConditionParsingTest {

  private static final String HEAD =
      "version: 1\nsandbox: box\ntools:\n  t:\n    decision: allow\n";

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "bad regex",
            "    when:\n      id: {regex: \"[A-Z\"}\n",
            "app.yaml:7:19: 'regex' is not a valid Java regular expression: Unclosed character class"
                + " at character 4"),
        Arguments.of(
            "unknown test",
            "    when:\n      to: {globb: \"*\"}\n",
            "app.yaml:7:12: unknown key 'globb' in the condition on 'to' (did you mean 'glob'?)"),
        Arguments.of(
            "min and above",
            "    when:\n      n: {min: 1, above: 2}\n",
            "app.yaml:7:19: give 'min' (included) or 'above', not both"),
        Arguments.of(
            "max as text",
            "    when:\n      n: {max: lots}\n",
            "app.yaml:7:16: 'max' must be a decimal number such as 100 or 12.50, not 'lots'"),
        Arguments.of(
            "negative length",
            "    when:\n      n: {max_length: -1}\n",
            "'max_length' must be a whole number of characters (or items), 0 or more, not '-1'"),
        Arguments.of(
            "bad subject",
            "    when:\n      \"a..b\": {glob: x}\n",
            "app.yaml:7:7: 'a..b' is not a parameter name or path"),
        Arguments.of(
            "empty when", "    when: {}\n", "'when' of tool rule 't' must map parameter names"),
        Arguments.of("no test", "    when:\n      to: {}\n", "the condition on 'to' has no test"),
        Arguments.of(
            "ignore_case alone",
            "    when:\n      to: {ignore_case: true, max_length: 3}\n",
            "'ignore_case' applies to 'glob', 'regex' and 'one_of'"),
        Arguments.of(
            "bad url pattern",
            "    when:\n      u: {url_to: [\"docs.example.com\"]}\n",
            "app.yaml:7:20: 'docs.example.com' is not HOST:PORT"),
        Arguments.of(
            "bad inside glob",
            "    when:\n      p: {inside: [\"../x\"]}\n",
            "app.yaml:7:20: file glob '../x' contains '..'"),
        Arguments.of(
            "empty one_of",
            "    when:\n      c: {one_of: []}\n",
            "'one_of' must be a list of values"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsWithFileLineColumn(String caseName, String when, String expected) {
    assertThatThrownBy(() -> PolicyParserTest.parse(HEAD + when))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void severalRulesForOneToolEachCitedAtItsOwnLine() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            "version: 1\nsandbox: box\ntools:\n  refund:\n"
                + "    - decision: allow\n      when: {amount: {max: 100}}\n"
                + "    - decision: ask\n      when: {amount: {above: 100}}\n");

    assertThat(policy.tools())
        .extracting(rule -> rule.pattern() + "@" + rule.location())
        .containsExactly("refund@app.yaml:5:7", "refund@app.yaml:7:7");
  }

  @Test
  void warnsOfConditionsThatCanNeverHold() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            HEAD
                + "    when:\n      n: {min: 5, max: 1}\n      s: {min_length: 4, max_length: 2}\n"
                + "      c: {one_of: [EUR, USD], glob: \"G*\"}\n      ok: {min: 1, max: 1}\n");

    assertThat(PolicyLint.warnings(policy))
        .extracting(PolicyProblem::toString)
        .containsExactly(
            "app.yaml:7:7: the condition on 'n' of rule 't' can never hold (no number is at least 5"
                + " and is at most 1), so the rule never applies; fix the condition or remove the"
                + " rule",
            "app.yaml:8:7: the condition on 's' of rule 't' can never hold (no value has 4 to 2"
                + " characters (or items)), so the rule never applies; fix the condition or remove"
                + " the rule",
            "app.yaml:9:7: the condition on 'c' of rule 't' can never hold (none of the values of"
                + " 'one_of' passes its other tests), so the rule never applies; fix the condition"
                + " or remove the rule");
  }

  @Test
  void aDenyRuleWithConditionsDoesNotHideAnAllowRule() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            "version: 1\nsandbox: box\ntools:\n  \"send_*\":\n    decision: deny\n"
                + "    when: {to: {glob: \"*@evil.example\"}}\n  send_email:\n    decision: allow\n");

    assertThat(PolicyLint.warnings(policy)).isEmpty();
  }
}
