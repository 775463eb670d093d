package io.toolguard.agent.policy;

/**
 * A Unix-domain socket pattern of a {@code net} grant: {@code unix:} and a file glob, relative to
 * the sandbox root or absolute ({@code unix:/run/app.sock}, {@code unix:run/*.sock}), matched as
 * file grants match, against where the socket's path really leads (links resolved). A socket is a
 * file on disk, and its path is also where the tool reaches, so connecting or binding needs both
 * this and the file grant (write) on the path.
 */
public record SocketPath(PathGlob glob) implements NetPattern {

  static final String PREFIX = "unix:";

  /**
   * {@return the pattern written as {@code text}}
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static SocketPath of(String text) {
    try {
      return new SocketPath(PathGlob.of(text.substring(PREFIX.length())));
    } catch (IllegalArgumentException notAGlob) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not unix:GLOB ("
              + notAGlob.getMessage()
              + "); write e.g. \"unix:/run/app.sock\" or \"unix:sockets/*.sock\"");
    }
  }

  /**
   * {@return whether the socket at this path matches}
   *
   * @param absolute where the socket's path really leads: absolute and normalised, links resolved
   * @param relative the same path below the sandbox root, null if outside it
   */
  public boolean matches(String absolute, String relative) {
    return glob.isAbsolute() ? glob.matches(absolute) : relative != null && glob.matches(relative);
  }

  @Override
  public String toString() {
    return PREFIX + glob;
  }
}
