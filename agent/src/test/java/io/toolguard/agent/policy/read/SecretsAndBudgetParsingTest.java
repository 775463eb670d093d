package io.toolguard.agent.policy.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.policy.Budget;
import io.toolguard.agent.policy.Outcome;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.SecretPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading the top-level {@code secrets} and {@code budget} and a rule's {@code
 * withhold_secret_results}: every mistake with file:line:col.
 */
class SecretsAndBudgetParsingTest {

  private static final String HEAD = "version: 1\nsandbox: box\n";

  @TempDir Path dir;

  @Test
  void readsSecretKindsBudgetForAllToolsAndWithholding() throws Exception {
    Policy policy =
        PolicyParserTest.parse(
            HEAD
                + "secrets:\n"
                + "  - {name: order token, regex: \"ot_[A-Za-z0-9]{24}\"}\n"
                + "  - name: passwd entry\n    regex: \"root:x:0:0:[^\\\\n]*\"\n"
                + "budget: {calls: 500, per: 24h, then: ask}\n"
                + "tools:\n  read_file:\n    decision: allow\n    withhold_secret_results: true\n"
                + "  lookup:\n    decision: allow\n");

    assertThat(policy.secrets())
        .extracting(SecretPattern::name, kind -> kind.pattern().pattern(), SecretPattern::location)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "order token",
                "ot_[A-Za-z0-9]{24}",
                new io.toolguard.agent.policy.Location("app.yaml", 4, 5)),
            org.assertj.core.groups.Tuple.tuple(
                "passwd entry",
                "root:x:0:0:[^\\n]*",
                new io.toolguard.agent.policy.Location("app.yaml", 5, 5)));
    assertThat(policy.budgets()).hasSize(1);
    Budget all = policy.budgets().get(0);
    assertThat(all.forAllTools()).isTrue();
    assertThat(all.calls()).isEqualTo(500);
    assertThat(all.per()).contains(Duration.ofHours(24));
    assertThat(all.past()).isEqualTo(Outcome.ASK);
    assertThat(all.location().rule()).isEqualTo("app.yaml:7");
    assertThat(policy.tools().get(0).grants().withholdsSecretResults()).isTrue();
    assertThat(policy.tools().get(1).grants().withholdsSecretResults()).isFalse();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "bad regex",
            "secrets:\n  - {name: tok, regex: \"ot_[A-Z\"}\n",
            "app.yaml:4:24: 'regex' is not a valid Java regular expression: Unclosed character"
                + " class"),
        Arguments.of(
            "regex matching the empty text",
            "secrets:\n  - {name: tok, regex: \"x*\"}\n",
            "app.yaml:4:24: the 'regex' of secret kind 'tok' matches the empty text"),
        Arguments.of(
            "missing regex",
            "secrets:\n  - {name: tok}\n",
            "app.yaml:4:5: an entry of 'secrets' needs 'name'"),
        Arguments.of(
            "unknown key",
            "secrets:\n  - {name: tok, regexp: \"x\"}\n",
            "app.yaml:4:17: unknown key 'regexp'"),
        Arguments.of(
            "duplicate name",
            "secrets:\n  - {name: tok, regex: \"a\"}\n  - {name: tok, regex: \"b\"}\n",
            "app.yaml:5:12: secret kind 'tok' is already defined at line 4"),
        Arguments.of(
            "name that cannot stand in for a value",
            "secrets:\n  - {name: \"]\", regex: \"a\"}\n",
            "app.yaml:4:12: a secret's 'name' must be 1 to 40 letters"),
        Arguments.of(
            "not a list",
            "secrets: {name: tok}\n",
            "app.yaml:3:10: 'secrets' must be a list of {name, regex} entries"),
        Arguments.of(
            "budget for all tools without calls",
            "budget: {per: 1m}\n",
            "app.yaml:3:9: the top-level 'budget' (for all tools) needs 'calls'"),
        Arguments.of(
            "withholding on a deny rule",
            "tools:\n  t:\n    decision: deny\n    withhold_secret_results: true\n",
            "app.yaml:6:5: tool rule 't' denies the tool, so 'withhold_secret_results' has no"
                + " effect"),
        Arguments.of(
            "withholding that is no boolean",
            "tools:\n  t:\n    decision: allow\n    withhold_secret_results: yes please\n",
            "app.yaml:6:30: 'withhold_secret_results' must be true or false"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsWithFileLineColumn(String caseName, String text, String expected) {
    assertThatThrownBy(() -> PolicyParserTest.parse(HEAD + text))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void anIncludedPolicysSecretsAndBudgetAddUp() throws Exception {
    Files.writeString(
        dir.resolve("base.yaml"),
        HEAD + "secrets:\n  - {name: base kind, regex: \"b+\"}\nbudget: {calls: 10}\n");
    Path app =
        Files.writeString(
            dir.resolve("app.yaml"),
            "version: 1\ninclude: base.yaml\n"
                + "secrets:\n  - {name: app kind, regex: \"a+\"}\nbudget: {calls: 5, per: 1m}\n");

    Policy policy = PolicyParser.parse(app);

    assertThat(policy.secrets())
        .extracting(SecretPattern::name)
        .containsExactly("base kind", "app kind");
    assertThat(policy.budgets()).extracting(Budget::calls).containsExactly(10, 5);
    assertThat(policy.budgets().get(0).key()).isNotEqualTo(policy.budgets().get(1).key());
  }
}
