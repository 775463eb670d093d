package io.toolguard.agent.policy;

/**
 * One pattern of a {@code net} grant: a {@link HostPort} for the network ({@code
 * "api.example.com:443"}), or a {@link SocketPath} for a Unix-domain socket ({@code
 * "unix:/run/app.sock"}). Both kinds sit in the same {@code connect} and {@code listen} lists, so a
 * grant reads as one list of places the tool may reach.
 */
public sealed interface NetPattern permits HostPort, SocketPath {

  /**
   * {@return the pattern written as {@code text}: a Unix-domain socket if it starts with {@code
   * unix:}, else {@code HOST:PORT}}
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static NetPattern of(String text) {
    return text.startsWith(SocketPath.PREFIX) ? SocketPath.of(text) : HostPort.of(text);
  }
}
