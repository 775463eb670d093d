package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.approval.CallArguments;
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
  void approversGetWholeValuesWithTheirTypesAndWhetherTheyCompareExactly() {
    String longText = "x".repeat(5000);

    CallArguments arguments =
        ArgumentSummary.forApproval(List.of("body", "count"), new Object[] {longText, 5L});

    assertThat(arguments.list())
        .containsExactly(
            new CallArguments.Argument(
                "body", CallArguments.Kind.TEXT, "java.lang.String", longText, true),
            new CallArguments.Argument(
                "count", CallArguments.Kind.VALUE, "java.lang.Long", "5", true));
    assertThat(exact("5")).isNotEqualTo(exact(5));
    assertThat(exact("a", "bc")).isNotEqualTo(exact("ab", "c"));
    assertThat(exact(null, java.nio.file.Path.of("/x"))).isPresent();
    assertThat(exact()).isPresent();
  }

  private static java.util.Optional<String> exact(Object... arguments) {
    return ArgumentSummary.forApproval(List.of(), arguments).exact();
  }

  @Test
  void argumentsWhoseEqualityCannotBeToldFromTheirTextHaveNoExactForm() {
    assertThat(exact("a", new Object())).isEmpty();
    assertThat(exact(List.of("a"))).isEmpty();
    assertThat(exact(new StringBuilder("a"))).isEmpty();
    assertThat(exact(new java.util.concurrent.atomic.AtomicLong(1))).isEmpty();
  }

  @Test
  void approversSeeOtherObjectsByTypeAndSizeOnly() {
    Object secretHolder =
        new Object() {
          @Override
          public String toString() {
            throw new AssertionError("toString must not be called");
          }
        };

    CallArguments arguments =
        ArgumentSummary.forApproval(
            List.of("a", "b", "c"),
            new Object[] {secretHolder, new byte[42], new java.util.ArrayList<>(List.of("s1"))});

    assertThat(arguments.list())
        .extracting(CallArguments.Argument::text)
        .containsExactly(secretHolder.getClass().getName(), "byte[42]", "ArrayList(size 1)");
    assertThat(arguments.list())
        .extracting(CallArguments.Argument::kind)
        .containsOnly(CallArguments.Kind.OBJECT);
  }
}
