package io.toolguard.agent.policy.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@link ImplicitTags} must type every unquoted value exactly as SnakeYAML's {@code Resolver}
 * (which toolguard used before, and which stays on the test class path as the reference): a
 * difference would change which values the policy sections accept.
 */
class ImplicitTagsTest {

  private static final Resolver REFERENCE = new Resolver();

  private static void assertSame(String value) {
    assertEquals(
        REFERENCE.resolve(NodeId.scalar, value, true).getValue(),
        ImplicitTags.of(value),
        () -> "the tag of \"" + value + "\"");
  }

  @Test
  void everyKindAndItsNearMissesAsTheResolver() {
    List<String> values =
        List.of(
            "",
            " ",
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "nil",
            "yes",
            "Yes",
            "YES",
            "yEs",
            "no",
            "No",
            "NO",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "False",
            "FALSE",
            "on",
            "On",
            "ON",
            "off",
            "Off",
            "OFF",
            "y",
            "n",
            "0",
            "-0",
            "+0",
            "00",
            "08",
            "017",
            "0_17",
            "0_",
            "0b",
            "0b1",
            "0b_1",
            "0b2",
            "-0b101",
            "0x",
            "0x_",
            "0x1F",
            "0xg",
            "+0xff_ff",
            "1",
            "-1",
            "1_000",
            "1__",
            "1:30",
            "1:3",
            "1:7",
            "1:75",
            "1:300",
            "190:20:30",
            "1:",
            "1:5:",
            "-",
            "+",
            ".",
            "1.",
            "1.5",
            "-1.5",
            "1.5e3",
            "1.5E-3",
            "1e3",
            "1_e3",
            "1e",
            "1e+",
            "1e3e3",
            ".5",
            "._",
            "._e5",
            "-.5",
            "1:30.5",
            "1:30.",
            "1:30e5",
            "1:300.5",
            ".inf",
            "-.inf",
            "+.Inf",
            ".INF",
            ".iNf",
            ".nan",
            ".NaN",
            ".NAN",
            "-.nan",
            "+.NaN",
            "<<",
            "<",
            "<<<",
            "!",
            "&",
            "*",
            "**",
            "2001-12-14",
            "2001-12-1",
            "2001-1-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14 21:59:43.10 Z",
            "2001-12-15T02:59:43.1Z",
            "2001-12-15T02:59:43.1Z ",
            "2001-12-15T2:59:43",
            "2001-12-15T02:59",
            "2001-12-15 \t 02:59:43",
            "2001-12-15T02:59:43+05:3",
            "2001-12-15T02:59:43+05:30",
            "2001-12-15T02:59:43.",
            "2001-12-15T02:59:43 ",
            "20011-12-15",
            "2001-12-15x",
            "1.0.0",
            "v1",
            "hello",
            "a b",
            "/tmp/x",
            "*.txt",
            "١٢",
            "１２");
    for (String value : values) {
      assertSame(value);
    }
  }

  @Test
  void theResolversLengthLimitsHoldToo() {
    assertSame("1".repeat(1024));
    assertSame("1".repeat(1025));
    assertSame("1." + "5".repeat(1022));
    assertSame("1." + "5".repeat(1023));
    String time = "2001-12-15T02:59:43.";
    assertSame(time + "1".repeat(50 - time.length()));
    assertSame(time + "1".repeat(51 - time.length()));
  }

  @Test
  void everyShortStringOfTheCharactersThatMatterAsTheResolver() {
    char[] alphabet = "015789abxeE._:-+TZ n".toCharArray();
    StringBuilder text = new StringBuilder();
    int count = alphabet.length;
    for (int length = 1; length <= 4; length++) {
      int total = (int) Math.pow(count, length);
      for (int number = 0; number < total; number++) {
        text.setLength(0);
        int rest = number;
        for (int i = 0; i < length; i++) {
          text.append(alphabet[rest % count]);
          rest /= count;
        }
        assertSame(text.toString());
      }
    }
  }

  @Test
  void randomValuesMadeOfNumberAndTimeParts() {
    String[] parts = {
      "0", "1", "2001", "12", "5", "9", "59", "60", "-", "+", ".", ":", "_", "e", "E", "0x", "0b",
      "inf", "nan", "Inf", "NaN", "T", "t", "Z", " ", "\t", "-12-", "ff", "7"
    };
    Random random = new Random(16);
    StringBuilder text = new StringBuilder();
    for (int n = 0; n < 50_000; n++) {
      text.setLength(0);
      int pieces = 1 + random.nextInt(9);
      for (int i = 0; i < pieces; i++) {
        text.append(parts[random.nextInt(parts.length)]);
      }
      assertSame(text.toString());
    }
  }
}
