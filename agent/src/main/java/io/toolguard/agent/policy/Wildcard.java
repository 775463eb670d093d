package io.toolguard.agent.policy;

/** Matching with {@code *}, which stands for any run of characters (none included). */
final class Wildcard {

  private Wildcard() {}

  /** {@return whether {@code text} matches {@code pattern}} */
  static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int starAt = -1;
    int retryFrom = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        starAt = p++;
        retryFrom = t;
      } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
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
}
