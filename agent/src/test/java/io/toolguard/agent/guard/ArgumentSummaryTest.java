package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentSummaryTest {

  @Test
  void namesEachArgumentAndQuotesTexts() {
    assertThat(
            ArgumentSummary.of(List.of("path", "append", "count"), new Object[] {"a.txt", true, 3}))
        .isEqualTo("path=\"a.txt\", append=true, count=3");
  }

  @Test
  void truncatesLongTextsAndSaysHowLongTheyWere() {
    String contents = "x".repeat(10_000);

    String summary = ArgumentSummary.of(List.of("body"), new Object[] {contents});

    assertThat(summary).hasSizeLessThan(120).endsWith("…(10000 chars)\"");
  }

  @Test
  void neverRendersArbitraryObjectsOrWholeCollections() {
    Object secretHolder =
        new Object() {
          @Override
          public String toString() {
            throw new AssertionError("toString must not be called");
          }
        };

    String summary =
        ArgumentSummary.of(
            List.of("a", "b", "c", "d", "e"),
            new Object[] {
              secretHolder, new byte[42], List.of("s1", "s2"), Map.of("k", "v"), Path.of("/tmp/x")
            });

    assertThat(summary)
        .startsWith("a=io.toolguard.agent.guard.ArgumentSummaryTest$")
        .contains("b=byte[42]", "c=", "(size 2)", "d=", "(size 1)", "e=\"/tmp/x\"")
        .doesNotContain("s1", "k=v");
  }

  @Test
  void keepsTheWholeSummaryShort() {
    Object[] many = new Object[50];
    java.util.Arrays.fill(many, "y".repeat(70));

    assertThat(ArgumentSummary.of(List.of(), many))
        .hasSize(ArgumentSummary.AUDIT.maxTotal + 1)
        .endsWith("…");
  }

  @Test
  void unnamedParametersAndNullsAreShown() {
    assertThat(ArgumentSummary.of(List.of(), new Object[] {null})).isEqualTo("arg0=null");
  }

  @Test
  void anArgumentThatFailsToDescribeItselfIsShownByItsType() {
    java.util.AbstractList<String> hostile =
        new java.util.AbstractList<>() {
          @Override
          public String get(int index) {
            return "x";
          }

          @Override
          public int size() {
            throw new IllegalStateException("boom");
          }
        };

    assertThat(ArgumentSummary.of(List.of("list"), new Object[] {hostile}))
        .isEqualTo("list=" + hostile.getClass().getName());
  }

  @Test
  void exactArgumentsKeepWholeValuesAndTheirTypes() {
    String longText = "x".repeat(5000);

    assertThat(ArgumentSummary.exact(new Object[] {longText, 5L}))
        .hasValueSatisfying(
            key -> assertThat(key).contains(longText).contains("java.lang.Long:1:5"));
    assertThat(ArgumentSummary.exact(new Object[] {"5"}))
        .isNotEqualTo(ArgumentSummary.exact(new Object[] {5}));
    assertThat(ArgumentSummary.exact(new Object[] {"a", "bc"}))
        .isNotEqualTo(ArgumentSummary.exact(new Object[] {"ab", "c"}));
    assertThat(ArgumentSummary.exact(new Object[] {null, java.nio.file.Path.of("/x")})).isPresent();
    assertThat(ArgumentSummary.exact(new Object[] {})).contains("");
  }

  @Test
  void argumentsWhoseEqualityCannotBeToldFromTheirTextHaveNoExactForm() {
    assertThat(ArgumentSummary.exact(new Object[] {"a", new Object()})).isEmpty();
    assertThat(ArgumentSummary.exact(new Object[] {List.of("a")})).isEmpty();
    assertThat(ArgumentSummary.exact(new Object[] {new StringBuilder("a")})).isEmpty();
    assertThat(ArgumentSummary.exact(new Object[] {new java.util.concurrent.atomic.AtomicLong(1)}))
        .isEmpty();
  }

  @Test
  void approversSeeLongerValuesThanTheAuditLog() {
    String text = "y".repeat(500);

    assertThat(ArgumentSummary.APPROVAL.render(List.of("text"), new Object[] {text}))
        .isEqualTo("text=\"" + text + "\"");
    assertThat(ArgumentSummary.of(List.of("text"), new Object[] {text})).endsWith("…(500 chars)\"");
  }
}
