package io.toolguard.agent.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network destination (or listening address) pattern of a {@code net} grant: {@code HOST:PORT},
 * where HOST is {@code *}, a host name or a name glob ({@code *.example.com}, case-insensitive), an
 * IPv4 literal, or an IPv6 literal in brackets; and PORT is a number, a range {@code lo-hi}, or
 * {@code *}.
 *
 * <p>An address literal matches the address connected to. A name matches only when the tool named
 * that host and the address connected to is one of the addresses the JVM's resolver gives for it,
 * so an address forged with a trusted name ({@code InetAddress.getByAddress}) does not pass.
 */
public record HostPort(String host, int lowPort, int highPort, InetAddress literal)
    implements NetPattern {

  private static final Pattern SYNTAX =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^\\s:\\[\\]]+):(\\*|[0-9]{1,5}(-[0-9]{1,5})?)");

  /**
   * {@return the pattern written as {@code text}}
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static HostPort of(String text) {
    Matcher matcher = SYNTAX.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not HOST:PORT; write e.g. \"api.example.com:443\","
              + " \"*.example.com:*\", \"127.0.0.1:8000-8099\" or \"[::1]:5432\"");
    }
    String host = matcher.group(1).toLowerCase(Locale.ROOT);
    int low = 0;
    int high = 65535;
    if (!matcher.group(2).equals("*")) {
      String[] ports = matcher.group(2).split("-", -1);
      low = Integer.parseInt(ports[0]);
      high = ports.length > 1 ? Integer.parseInt(ports[1]) : low;
      if (high > 65535 || low > high) {
        throw new IllegalArgumentException(
            "'" + text + "' has no valid port: ports run from 0 to 65535, low to high");
      }
    }
    return new HostPort(host, low, high, literal(host));
  }

  /** An IP literal ({@code 10.0.0.1}, {@code [::1]}) as an address; null for names and globs. */
  private static InetAddress literal(String host) {
    boolean ipv4 = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    if (!ipv4 && !host.startsWith("[")) {
      return null;
    }
    if (ipv4
        && java.util.Arrays.stream(host.split("\\."))
            .anyMatch(octet -> Integer.parseInt(octet) > 255)) {
      throw new IllegalArgumentException("'" + host + "' is not a valid IP address");
    }
    try {
      return InetAddress.getByName(ipv4 ? host : host.substring(1, host.length() - 1));
    } catch (UnknownHostException notAnAddress) {
      throw new IllegalArgumentException("'" + host + "' is not a valid IP address");
    }
  }

  /**
   * {@return whether a connection to (or a listening socket on) this address matches}
   *
   * @param name the host name the tool gave, or null if it gave an address
   */
  public boolean matches(String name, InetAddress address, int port) {
    return port >= lowPort && port <= highPort && matchesHost(name, address);
  }

  /**
   * {@return whether resolving this host name is within the pattern}: {@code *}, or a name or glob
   * the name matches. An address literal names no host: resolving a name is what a name grant
   * allows.
   */
  public boolean namesHost(String name) {
    return host.equals("*")
        || (literal == null && Wildcard.matches(host, name.toLowerCase(Locale.ROOT)));
  }

  /**
   * {@return whether this address, on any port, matches} (see {@link #matches})
   *
   * @param name the host name the address was made with, or null
   */
  public boolean matchesHost(String name, InetAddress address) {
    if (host.equals("*")) {
      return true;
    }
    if (literal != null) {
      return literal.equals(address);
    }
    if (name == null || !Wildcard.matches(host, name.toLowerCase(Locale.ROOT))) {
      return false;
    }
    try {
      for (InetAddress resolved : InetAddress.getAllByName(name)) {
        if (resolved.equals(address)) {
          return true;
        }
      }
    } catch (UnknownHostException unresolvable) {
      return false;
    }
    return false;
  }

  @Override
  public String toString() {
    return host
        + ":"
        + (lowPort == 0 && highPort == 65535
            ? "*"
            : lowPort == highPort ? lowPort : lowPort + "-" + highPort);
  }
}
