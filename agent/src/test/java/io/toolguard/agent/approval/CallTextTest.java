package io.toolguard.agent.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallTextTest {

  private static CallArguments texts(String... values) {
    List<CallArguments.Argument> list = new java.util.ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      list.add(
          new CallArguments.Argument(
              "arg" + i, CallArguments.Kind.TEXT, "java.lang.String", values[i], true));
    }
    return new CallArguments(list);
  }

  @Test
  void aHostileArgumentActsOnATerminalRawAndIsInertEscaped() {
    String hostile = "report.txt\r\u001b[2K  arguments  path=\"report.txt\"";

    assertThat(hostile).as("the raw value").contains("\u001b", "\r");
    String shown = CallText.visible(hostile);

    assertThat(shown)
        .isEqualTo("report.txt\\r\\e[2K  arguments  path=\"report.txt\"")
        .doesNotContain("\u001b", "\r");
  }

  @Test
  void terminalControlsAreEscapedByName() {
    assertThat(CallText.visible("a\u001b[8mb\rc\bd\te\nf")).isEqualTo("a\\e[8mb\\rc\\bd\\te\\nf");
  }

  @Test
  void otherControlsDelAndC1ControlsAreEscapedByCodePoint() {
    assertThat(CallText.visible("\u0000\u0007\u000b\u000c\u001f\u007f\u0080\u009b\u009f"))
        .isEqualTo(
            "\\u{0000}\\u{0007}\\u{000B}\\u{000C}\\u{001F}\\u{007F}\\u{0080}\\u{009B}\\u{009F}");
  }

  @Test
  void bidirectionalOverridesIsolatesAndMarksAreEscaped() {
    String bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c";

    assertThat(CallText.visible("invoice" + bidi + "fdp.exe"))
        .isEqualTo(
            "invoice\\u{202A}\\u{202B}\\u{202C}\\u{202D}\\u{202E}\\u{2066}\\u{2067}\\u{2068}"
                + "\\u{2069}\\u{200E}\\u{200F}\\u{061C}fdp.exe");
  }

  @Test
  void zeroWidthInvisibleAndFormatCharactersAreEscaped() {
    assertThat(CallText.visible("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad"))
        .isEqualTo(
            "\\u{200B}\\u{200C}\\u{200D}\\u{2060}\\u{2061}\\u{2062}\\u{2063}\\u{2064}\\u{FEFF}"
                + "\\u{00AD}");
    assertThat(CallText.visible("\u034f\u115f\u3164\u2800")).doesNotContain("\u034f", "\u3164");
  }

  @Test
  void tagCharactersAndVariationSelectorsAreEscaped() {
    String tags = new StringBuilder().appendCodePoint(0xE0001).appendCodePoint(0xE0041).toString();
    String selectors =
        "\ufe00\ufe0f" + new StringBuilder().appendCodePoint(0xE0100).appendCodePoint(0xE01EF);

    assertThat(CallText.visible("a" + tags + "b")).isEqualTo("a\\u{E0001}\\u{E0041}b");
    assertThat(CallText.visible(selectors)).isEqualTo("\\u{FE00}\\u{FE0F}\\u{E0100}\\u{E01EF}");
  }

  @Test
  void privateUseUnassignedSeparatorsAndOddSpacesAreEscaped() {
    String privateUse = "\ue000" + new StringBuilder().appendCodePoint(0xF0000);
    assertThat(CallText.visible(privateUse)).isEqualTo("\\u{E000}\\u{F0000}");
    assertThat(CallText.visible("\uffff\ufdd0")).isEqualTo("\\u{FFFF}\\u{FDD0}");
    assertThat(CallText.visible("a\u2028b\u2029c")).isEqualTo("a\\u{2028}b\\u{2029}c");
    assertThat(CallText.visible("a b\u00a0c\u3000d\u2007e"))
        .isEqualTo("a b\\u{00A0}c\\u{3000}d\\u{2007}e");
  }

  @Test
  void loneSurrogatesAreEscapedAndPairsKept() {
    assertThat(CallText.visible("a\ud800b\udc00c")).isEqualTo("a\\u{D800}b\\u{DC00}c");
    assertThat(CallText.visible("end\ud83d")).isEqualTo("end\\u{D83D}");
    assertThat(CallText.visible("smile \ud83d\ude00")).isEqualTo("smile \ud83d\ude00");
  }

  @Test
  void aLiteralBackslashIsDoubledSoThatEscapesReadBackUnambiguously() {
    assertThat(CallText.visible("C:\\temp\\e")).isEqualTo("C:\\\\temp\\\\e");
    assertThat(CallText.visible("\\e")).isNotEqualTo(CallText.visible("\u001b"));
    assertThat(CallText.visible("\\u{202E}")).isNotEqualTo(CallText.visible("\u202e"));
  }

  @Test
  void ordinaryTextMarkupAndOtherScriptsAreShownAsTheyAre() {
    String text = "Grüße, <b>naïve</b> \"quoted\" 東京 مرحبا café";
    assertThat(CallText.visible(text)).isEqualTo(text);
  }

  @Test
  void longValuesAreShownAsHeadAndTailWithTheirWholeLength() {
    String value = "a".repeat(CallText.HEAD) + "m".repeat(12_345 - 280) + "z".repeat(CallText.TAIL);

    String shown = CallText.arguments(texts(value, "short"), false);

    assertThat(shown)
        .isEqualTo(
            "arg0=\""
                + "a".repeat(CallText.HEAD)
                + "…"
                + "z".repeat(CallText.TAIL)
                + "\" (12,345 chars), arg1=\"short\"");
    assertThat(CallText.arguments(texts(value), true)).isEqualTo("arg0=\"" + value + "\"");
    String limit = "b".repeat(CallText.LONG);
    assertThat(CallText.arguments(texts(limit), false)).isEqualTo("arg0=\"" + limit + "\"");
  }

  @Test
  void aLongValueIsCutBetweenCodePointsAndItsPartsAreEscaped() {
    String value =
        "x".repeat(CallText.HEAD - 1) + "\ud83d\ude00" + "\u001b".repeat(400) + "\u202e".repeat(5);

    String shown = CallText.arguments(texts(value), false);

    assertThat(shown)
        .startsWith("arg0=\"" + "x".repeat(CallText.HEAD - 1) + "…")
        .contains("…\\e\\e", "\\u{202E}\\u{202E}\\u{202E}\\u{202E}\\u{202E}\"")
        .doesNotContain("\ud83d", "\u001b", "\u202e")
        .endsWith(String.format(java.util.Locale.ROOT, " (%,d chars)", value.length()));
  }

  @Test
  void theRequestTextEscapesEveryFieldAToolCanInfluence() {
    RequestText shown =
        CallText.shown(
            "send\u202e", "a.B#c\u001b", texts("x\r"), "worker\u001b[2K\u202e", "p.yaml:3");

    assertThat(shown.tool()).isEqualTo("send\\u{202E}");
    assertThat(shown.method()).isEqualTo("a.B#c\\e");
    assertThat(shown.arguments()).isEqualTo("arg0=\"x\\r\"");
    assertThat(shown.thread()).isEqualTo("worker\\e[2K\\u{202E}");
    assertThat(shown.shortened()).isFalse();
  }

  @Test
  void theCanonicalEncodingIsLengthPrefixedAndSoInjective() {
    assertThat(CallText.canonical(texts("ab", "c")))
        .isEqualTo("1:24:arg04:TEXT16:java.lang.String2:ab4:arg14:TEXT16:java.lang.String1:c");
    assertThat(CallText.canonical(texts("a", "bc")))
        .isNotEqualTo(CallText.canonical(texts("ab", "c")));
    assertThat(CallText.canonical(texts("a:1:b")))
        .isNotEqualTo(CallText.canonical(texts("a", "b")));
    CallArguments number =
        new CallArguments(
            List.of(
                new CallArguments.Argument(
                    "arg0", CallArguments.Kind.VALUE, "java.lang.Integer", "5", true)));
    assertThat(CallText.canonical(number)).isNotEqualTo(CallText.canonical(texts("5")));
    assertThat(CallText.canonical("t", "m", texts())).isEqualTo("16:toolguard-call-11:t1:m1:0");
  }

  @Test
  void theHashIsTheFirst64BitsOfSha256OfTheCanonicalCallInUtf16() throws Exception {
    CallArguments arguments = texts("a\ud800");
    byte[] digest =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(
                CallText.canonical("tool", "A#m", arguments)
                    .chars()
                    .collect(
                        java.io.ByteArrayOutputStream::new,
                        (out, c) -> {
                          out.write(c >> 8);
                          out.write(c);
                        },
                        (a, b) -> a.write(b.toByteArray(), 0, b.size()))
                    .toByteArray());

    assertThat(CallText.hash("tool", "A#m", arguments))
        .isEqualTo(java.util.HexFormat.of().formatHex(digest, 0, 8));
    assertThat(CallText.hash("tool", "A#m", texts("a\ud801")))
        .as("lone surrogates are kept apart")
        .isNotEqualTo(CallText.hash("tool", "A#m", arguments));
    assertThat(CallText.hash("tool", "A#n", arguments))
        .isNotEqualTo(CallText.hash("tool", "A#m", arguments));
    assertThat(CallText.hash("tool2", "A#m", arguments))
        .isNotEqualTo(CallText.hash("tool", "A#m", arguments));
  }
}
