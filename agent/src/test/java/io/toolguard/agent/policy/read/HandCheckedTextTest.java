package io.toolguard.agent.policy.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The texts the policy sections check by hand (so that no regular expression is compiled on the
 * start-up path) are accepted and refused as the expressions that checked them before.
 */
class HandCheckedTextTest {

  private static final Pattern SUBJECT =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.([A-Za-z_$][A-Za-z0-9_$-]*|[0-9]+))*");
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})(s|m|h)");
  private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,5}");

  @Test
  void conditionSubjectsAsTheExpression() {
    List<String> subjects =
        List.of(
            "to",
            "order.amount",
            "items.0.sku",
            "a.b-c",
            "a-b",
            "a.-b",
            "a.0",
            "a.0b",
            "a.b0",
            "0",
            "a.",
            ".a",
            "a..b",
            "",
            "$x._y.$z",
            "a b",
            "a.ü",
            "ü",
            "a.12.34",
            "a.1-2",
            "A9.Z_",
            "a.b.c.d.e");
    for (String subject : subjects) {
      assertEquals(
          SUBJECT.matcher(subject).matches(),
          ConditionSection.isSubject(subject),
          () -> "'" + subject + "'");
    }
  }

  @Test
  void durationsAndSmallNumbersAsTheExpressions() {
    List<String> texts =
        List.of(
            "90s",
            "5m",
            "24h",
            "1s",
            "999999h",
            "1000000h",
            "0s",
            "01m",
            "s",
            "",
            "5",
            "5d",
            "5 m",
            "-5m",
            "5mm",
            "1.5h",
            "١s",
            "12",
            "0",
            "999999",
            "1000000",
            "1_0",
            "+1");
    for (String text : texts) {
      Matcher duration = DURATION.matcher(text);
      Duration expected = null;
      if (duration.matches()) {
        long amount = Long.parseLong(duration.group(1));
        expected =
            switch (duration.group(2)) {
              case "s" -> Duration.ofSeconds(amount);
              case "m" -> Duration.ofMinutes(amount);
              default -> Duration.ofHours(amount);
            };
      }
      assertEquals(expected, StrictYaml.duration(text), () -> "duration '" + text + "'");
      assertEquals(
          NUMBER.matcher(text).matches(),
          StrictYaml.isSmallNumber(text),
          () -> "number '" + text + "'");
    }
  }
}
