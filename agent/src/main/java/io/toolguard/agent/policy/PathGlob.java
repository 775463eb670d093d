package io.toolguard.agent.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A file grant: a glob over paths relative to the sandbox root, or over absolute paths when it
 * starts with {@code /} (the only way a grant reaches outside the sandbox). {@code *} matches
 * within one path segment, {@code ?} one character of a segment, and a {@code **} segment any
 * number of segments, none included (so {@code data/**} covers {@code data} and everything below
 * it).
 */
public final class PathGlob {

  private final String text;
  private final boolean absolute;
  private final Pattern regex;
  private final List<String> base;

  /**
   * The common shapes, matched without the regular expression: one path, or a folder and all below
   * it.
   */
  private final boolean literal;

  private final String subtree;

  private PathGlob(String text, boolean absolute, Pattern regex, List<String> base) {
    this.text = text;
    this.absolute = absolute;
    this.regex = regex;
    this.base = base;
    String segments = absolute ? text.substring(1) : text;
    this.literal = segments.indexOf('*') < 0 && segments.indexOf('?') < 0;
    String folder =
        segments.equals("**")
            ? ""
            : segments.endsWith("/**") ? segments.substring(0, segments.length() - 3) : null;
    this.subtree =
        folder != null && folder.indexOf('*') < 0 && folder.indexOf('?') < 0
            ? (absolute ? "/" + folder : folder)
            : null;
  }

  /**
   * Compiles a glob.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static PathGlob of(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "a file glob cannot be empty; use \"**\" for the whole sandbox");
    }
    if (text.startsWith("~") || startsWithDriveLetter(text)) {
      throw new IllegalArgumentException(
          "file glob '"
              + text
              + "' must be relative to the sandbox root, e.g. \"data/**\", or an absolute path starting with '/'");
    }
    boolean absolute = text.startsWith("/");
    String segments = absolute ? text.substring(1) : text;
    StringBuilder regex = new StringBuilder();
    List<String> base = new ArrayList<>();
    boolean literal = true;
    for (String segment : segments.split("/", -1)) {
      regex.append(segmentRegex(text, segment));
      literal &= segment.indexOf('*') < 0 && segment.indexOf('?') < 0;
      if (literal) {
        base.add(segment);
      }
    }
    return new PathGlob(text, absolute, Pattern.compile(regex.toString()), List.copyOf(base));
  }

  /**
   * {@return whether {@code text} starts like a Windows path, {@code C:}}: by hand, as a regular
   * expression compiled for it was 6 ms of a start-up's policy reading
   */
  private static boolean startsWithDriveLetter(String text) {
    if (text.length() < 2 || text.charAt(1) != ':') {
      return false;
    }
    char drive = text.charAt(0);
    return (drive >= 'A' && drive <= 'Z') || (drive >= 'a' && drive <= 'z');
  }

  private static String segmentRegex(String glob, String segment) {
    if (segment.isEmpty()) {
      throw new IllegalArgumentException(
          "file glob '" + glob + "' has an empty path segment ('//' or a trailing '/')");
    }
    if (segment.equals("..") || segment.equals(".")) {
      throw new IllegalArgumentException(
          "file glob '"
              + glob
              + "' contains '"
              + segment
              + "'; globs are relative to the sandbox root and cannot leave it");
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
              "file glob '"
                  + glob
                  + "': '**' must be a whole path segment, as in \"data/**/*.txt\"");
        }
        regex.append(quote(literal)).append(c == '*' ? "[^/]*" : "[^/]");
        literal.setLength(0);
      } else if ("[]{}\\".indexOf(c) >= 0 || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "file glob '"
                + glob
                + "' contains unsupported character '"
                + printable(c)
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
    return Character.isISOControl(c)
        ? String.format(Locale.ROOT, "\\u%04x", (int) c)
        : String.valueOf(c);
  }

  /**
   * {@return the glob's leading segments that have no wildcard, joined by {@code /} (with the
   * leading {@code /} of an absolute glob): {@code data} for {@code data/*.md}, {@code ""} for
   * {@code **}}
   */
  public String literalBase() {
    return (absolute ? "/" : "") + String.join("/", base);
  }

  /** {@return whether the glob names one path, with no wildcard} */
  public boolean isLiteral() {
    return literal;
  }

  /**
   * {@return whether the glob is a folder with no wildcard and everything below it ({@code x/**})}
   */
  public boolean isSubtree() {
    return subtree != null;
  }

  /** {@return whether the glob names absolute paths rather than paths below the sandbox root} */
  public boolean isAbsolute() {
    return absolute;
  }

  /**
   * {@return whether the glob covers this path}
   *
   * @param path for a relative glob, a normalised path below the sandbox root with segments
   *     separated by {@code /}, the empty string being the root itself; for an absolute glob, a
   *     normalised absolute path
   */
  public boolean matches(String path) {
    if (literal) {
      return path.equals(text);
    }
    if (subtree != null) {
      return subtree.isEmpty()
          || subtree.equals("/")
          || path.equals(subtree)
          || (path.startsWith(subtree)
              && path.length() > subtree.length()
              && path.charAt(subtree.length()) == '/');
    }
    return regex
        .matcher(absolute ? (path.equals("/") ? "" : path) : path.isEmpty() ? "" : "/" + path)
        .matches();
  }

  /**
   * {@return whether the path (written as for {@link #matches}) is a folder on the way to what the
   * glob covers}: the sandbox root and {@code data} are on the way to {@code data/reports/*.md}.
   */
  public boolean leadsTo(String path) {
    String[] segments = absolute ? path.substring(1).split("/", -1) : path.split("/", -1);
    boolean root = absolute ? path.equals("/") : path.isEmpty();
    if (root) {
      return true;
    }
    if (segments.length > base.size()) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      if (!segments[i].equals(base.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** {@return the glob as written in the policy} */
  @Override
  public String toString() {
    return text;
  }
}
