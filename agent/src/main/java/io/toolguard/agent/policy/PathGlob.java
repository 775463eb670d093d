package io.toolguard.agent.policy;

import java.util.regex.Pattern;

/**
 * A file grant: a glob over paths relative to the sandbox root. {@code *} matches within one path
 * segment, {@code ?} one character of a segment, and a {@code **} segment any number of segments,
 * none included (so {@code data/**} covers {@code data} and everything below it).
 */
public final class PathGlob {

  private final String text;
  private final Pattern regex;

  private PathGlob(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  /**
   * Compiles a glob.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static PathGlob of(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("a file glob cannot be empty; use \"**\" for the whole sandbox");
    }
    if (text.startsWith("/") || text.startsWith("~") || text.matches("^[A-Za-z]:.*")) {
      throw new IllegalArgumentException(
          "file glob '" + text + "' must be relative to the sandbox root, e.g. \"data/**\"");
    }
    StringBuilder regex = new StringBuilder();
    for (String segment : text.split("/", -1)) {
      regex.append(segmentRegex(text, segment));
    }
    return new PathGlob(text, Pattern.compile(regex.toString()));
  }

  private static String segmentRegex(String glob, String segment) {
    if (segment.isEmpty()) {
      throw new IllegalArgumentException("file glob '" + glob + "' has an empty path segment ('//' or a trailing '/')");
    }
    if (segment.equals("..") || segment.equals(".")) {
      throw new IllegalArgumentException(
          "file glob '" + glob + "' contains '" + segment + "'; globs are relative to the sandbox root and cannot leave it");
    }
    if (segment.equals("**")) {
      return "(?:/[^/]+)*";
    }
    StringBuilder regex = new StringBuilder("/");
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '*' || c == '?') {
        if (c == '*' && i + 1 < segment.length() && segment.charAt(i + 1) == '*') {
          throw new IllegalArgumentException(
              "file glob '" + glob + "': '**' must be a whole path segment, as in \"data/**/*.txt\"");
        }
        regex.append(quote(literal)).append(c == '*' ? "[^/]*" : "[^/]");
        literal.setLength(0);
      } else if ("[]{}\\".indexOf(c) >= 0 || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "file glob '" + glob + "' contains unsupported character '" + printable(c)
                + "'; only *, ? and ** are special");
      } else {
        literal.append(c);
      }
    }
    return regex.append(quote(literal)).toString();
  }

  private static String quote(StringBuilder literal) {
    return literal.length() == 0 ? "" : Pattern.quote(literal.toString());
  }

  private static String printable(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  /**
   * {@return whether the glob covers this path}
   *
   * @param relativePath a normalised path below the sandbox root, segments separated by {@code /};
   *     the empty string is the root itself
   */
  public boolean matches(String relativePath) {
    return regex.matcher(relativePath.isEmpty() ? "" : "/" + relativePath).matches();
  }

  /** {@return the glob as written in the policy} */
  @Override
  public String toString() {
    return text;
  }
}
