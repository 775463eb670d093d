package io.toolguard.agent.policy.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code tool_annotations} names are checked by hand ({@link PolicyParser.AnnotationName}) as the
 * regular expression that checked them before did.
 */
class AnnotationNameTest {

  private static final Pattern BEFORE =
      Pattern.compile(
          "(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*\\.)+"
              + "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*");

  @Test
  void acceptsAndRefusesWhatTheExpressionDid() {
    List<String> names =
        List.of(
            "com.example.agent.AgentTool",
            "com.example.Tools$Risky",
            "a.b",
            "a",
            "",
            ".",
            "a.",
            ".a",
            "a..b",
            "a.1b",
            "a1.b2",
            "_._",
            "$.$",
            "com.example.Agent Tool",
            "com.example.Agent-Tool",
            "com.exämple.Tööl",
            "com.example.\uD835\uDC00x",
            "com.example.\uD835x",
            "com.example.x\uDC00",
            "com.example.x\u0000",
            "com.example.x\u200B",
            "com.example.@Tool",
            "com.example.Tool\n");
    for (String name : names) {
      assertEquals(
          BEFORE.matcher(name).matches(),
          PolicyParser.AnnotationName.isBinaryName(name),
          () -> "'" + name + "'");
    }
  }
}
