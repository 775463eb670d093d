package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ToolInstrumentationTest {

  @Test
  void theByteScanFindsTheAnnotationAnywhereAndNothingElse() {
    byte[] needle = bytes("Lio/toolguard/api/Tool;");

    assertThat(ToolInstrumentation.contains(bytes("Lio/toolguard/api/Tool;"), needle)).isTrue();
    assertThat(ToolInstrumentation.contains(bytes("\u0000\u0001xxLio/toolguard/api/Tool;"), needle)).isTrue();
    assertThat(ToolInstrumentation.contains(bytes("LLio/toolguard/api/Tool;yy"), needle)).isTrue();
    assertThat(ToolInstrumentation.contains(bytes("Lio/toolguard/api/Tool"), needle)).isFalse();
    assertThat(ToolInstrumentation.contains(bytes("Lio/toolguard/api/Tools;"), needle)).isFalse();
    assertThat(ToolInstrumentation.contains(bytes("Lio/toolguard/api/ToolX;Lio/toolguard/api/Too;"), needle)).isFalse();
    assertThat(ToolInstrumentation.contains(new byte[0], needle)).isFalse();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
