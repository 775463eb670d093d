package io.toolguard.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

  private static final String HIGH = "\ud83d";
  private static final String LOW = "\ude00";

  private static String written(String value) {
    return Json.object("v", value);
  }

  @Test
  void aSurrogatePairIsWrittenAsItIs() {
    assertThat(written("a" + HIGH + LOW + "b")).isEqualTo("{\"v\":\"a" + HIGH + LOW + "b\"}");
    assertThat(written(HIGH + LOW)).isEqualTo("{\"v\":\"" + HIGH + LOW + "\"}");
  }

  @Test
  void aSurrogateOutsideAPairIsEscaped() {
    assertThat(written("a" + HIGH)).isEqualTo("{\"v\":\"a\\ud83d\"}");
    assertThat(written(HIGH + "b")).isEqualTo("{\"v\":\"\\ud83db\"}");
    assertThat(written(HIGH + HIGH)).isEqualTo("{\"v\":\"\\ud83d\\ud83d\"}");
    assertThat(written(LOW + "a")).isEqualTo("{\"v\":\"\\ude00a\"}");
    assertThat(written("a" + LOW)).isEqualTo("{\"v\":\"a\\ude00\"}");
    assertThat(written(LOW + LOW)).isEqualTo("{\"v\":\"\\ude00\\ude00\"}");
  }
}
