package io.toolguard.agent.policy;

import java.util.Optional;

/**
 * One entry under {@code tools:}: which tools it names (a {@code *} glob), what it says about them,
 * the risk it imposes and the files it grants.
 */
public record ToolRule(
    String pattern, Verdict verdict, Optional<Risk> risk, FileGrants files, Location location) {

  /** {@return whether this rule names the tool; {@code *} matches any run of characters} */
  public boolean matches(String toolName) {
    int p = 0;
    int t = 0;
    int starAt = -1;
    int retryFrom = 0;
    while (t < toolName.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        starAt = p++;
        retryFrom = t;
      } else if (p < pattern.length() && pattern.charAt(p) == toolName.charAt(t)) {
        p++;
        t++;
      } else if (starAt >= 0) {
        p = starAt + 1;
        t = ++retryFrom;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  /** {@return how precisely the rule names tools: an exact name beats any glob, then more literal characters} */
  int specificity() {
    return pattern.indexOf('*') < 0 ? Integer.MAX_VALUE : pattern.replace("*", "").length();
  }
}
