package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

  @Test
  void readsEveryKindOfValue() {
    Object value =
        JsonReader.parse(
            " {\"s\":\"a\\u00e9\\n\\/\",\"n\":-12.5e+2,\"z\":0,\"t\":true,\"f\":false,"
                + "\"x\":null,\"o\":{\"a\":[1,[],{}]},\"e\":[ ]} ");

    assertThat(value).isInstanceOf(Map.class);
    Map<?, ?> object = (Map<?, ?>) value;
    assertThat(object.get("s")).isEqualTo("a\u00e9\n/");
    assertThat(object.get("n")).isEqualTo(new BigDecimal("-12.5e+2"));
    assertThat(object.get("z")).isEqualTo(BigDecimal.ZERO);
    assertThat(object.get("t")).isEqualTo(true);
    assertThat(object.get("f")).isEqualTo(false);
    assertThat(object.containsKey("x")).isTrue();
    assertThat(object.get("x")).isNull();
    assertThat(object.get("o"))
        .isEqualTo(Map.of("a", List.of(BigDecimal.ONE, List.of(), Map.of())));
    assertThat(object.get("e")).isEqualTo(List.of());
  }

  @Test
  void refusesWhatJsonDoesNotAllow() {
    for (String bad :
        List.of(
            "",
            "{",
            "{'a':1}",
            "{\"a\":1,}",
            "[1,]",
            "[1 2]",
            "01",
            "1.",
            "1e",
            "-",
            ".5",
            "+1",
            "nul",
            "True",
            "\"a",
            "\"\\x\"",
            "\"\\u00g0\"",
            "\"\\u0\u0663\u0663\u0663\"",
            "\"\\u\uff10\uff10\uff14\uff11\"",
            "\"tab\there\"",
            "{} {}",
            "// comment\n{}",
            "NaN")) {
      assertThatThrownBy(() -> JsonReader.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at column");
    }
  }

  @Test
  void refusesDeepNestingInsteadOfOverflowingTheStack() {
    char[] open = new char[100_000];
    Arrays.fill(open, '[');
    assertThatThrownBy(() -> JsonReader.parse(new String(open)))
        .hasMessageContaining("nested deeper than 64 levels");
  }
}
