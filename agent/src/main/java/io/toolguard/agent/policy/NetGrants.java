package io.toolguard.agent.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a tool may connect (TCP connections, UDP connects and sends, Unix-domain socket connects)
 * and where it may listen (TCP server sockets, UDP sockets bound to a port or receiving from
 * anyone, Unix-domain sockets bound to a path), and where either first needs a person's approval
 * (which beats a plain grant). Resolving a host name is allowed where a connect or listen pattern
 * names the host: looking a name up is the first step of reaching it, and the name itself is what a
 * lookup sends out. Nothing listed is nothing granted.
 */
public record NetGrants(
    List<NetPattern> connect,
    List<NetPattern> listen,
    List<NetPattern> askConnect,
    List<NetPattern> askListen) {

  /** Grants nothing. */
  public static final NetGrants NONE = new NetGrants(List.of(), List.of(), List.of(), List.of());

  public NetGrants {
    connect = List.copyOf(connect);
    listen = List.copyOf(listen);
    askConnect = List.copyOf(askConnect);
    askListen = List.copyOf(askListen);
  }

  /** {@return the patterns that grant this operation} */
  public List<NetPattern> of(NetOperation operation) {
    return operation == NetOperation.CONNECT ? connect : listen;
  }

  /** {@return the patterns where this operation needs a person's approval} */
  public List<NetPattern> asking(NetOperation operation) {
    return operation == NetOperation.CONNECT ? askConnect : askListen;
  }

  /**
   * Decides a connection or listening socket (see {@link HostPort} for how names and addresses
   * match): an asking pattern beats a granting one.
   *
   * @param name the host name the tool gave, or null if it gave an address
   * @param rule the location of the rule these grants come from
   */
  public AccessDecision decide(
      NetOperation operation, String name, InetAddress address, int port, String rule) {
    for (NetPattern pattern : asking(operation)) {
      if (pattern instanceof HostPort hostPort && hostPort.matches(name, address, port)) {
        return AccessDecision.asked("ask " + operation.label() + " grant", pattern, rule);
      }
    }
    for (NetPattern pattern : of(operation)) {
      if (pattern instanceof HostPort hostPort && hostPort.matches(name, address, port)) {
        return AccessDecision.granted(operation.label() + " grant", pattern, rule);
      }
    }
    return AccessDecision.denied(
        "no "
            + operation.label()
            + " grant of the tool's rule names "
            + (name == null ? "" : name + " ")
            + "("
            + address.getHostAddress()
            + ") port "
            + port);
  }

  /**
   * Decides a connect to, or a bind of, a Unix-domain socket: an asking pattern beats a granting
   * one.
   *
   * @param absolute where the socket's path really leads: absolute and normalised, links resolved
   * @param relative the same path below the sandbox root, null if outside it
   */
  public AccessDecision decideSocket(
      NetOperation operation, String absolute, String relative, String rule) {
    for (NetPattern pattern : asking(operation)) {
      if (pattern instanceof SocketPath socket && socket.matches(absolute, relative)) {
        return AccessDecision.asked("ask " + operation.label() + " grant", pattern, rule);
      }
    }
    for (NetPattern pattern : of(operation)) {
      if (pattern instanceof SocketPath socket && socket.matches(absolute, relative)) {
        return AccessDecision.granted(operation.label() + " grant", pattern, rule);
      }
    }
    return AccessDecision.denied(
        "no " + operation.label() + " grant of the tool's rule names unix:" + absolute);
  }

  /**
   * Decides a name lookup: resolving a host name (forward, {@code name} given) is allowed where a
   * connect or listen pattern names that host or is {@code *}; looking up the name of an address
   * (reverse, {@code name} null) where one matches that address on some port. A lookup sends what
   * it looks up to the name servers, so where only an asking pattern names it, a person decides
   * first. Here a plain grant beats an asking one, unlike for a connect: the port is not known yet,
   * an asking pattern for one port ({@code "*:25"}) would otherwise make every lookup ask, and the
   * connect that follows is still decided with asking first.
   *
   * @param name the host name looked up, or null for the name of {@code address}
   * @param address the address whose name is looked up, or null for a host name's addresses
   * @param given for a reverse lookup, the name the address was made with (or null)
   */
  public AccessDecision decideResolve(String name, InetAddress address, String given, String rule) {
    for (NetPattern pattern : Stream.concat(connect.stream(), listen.stream()).toList()) {
      if (resolves(pattern, name, address, given)) {
        return AccessDecision.granted("net grant", pattern, rule);
      }
    }
    for (NetPattern pattern : Stream.concat(askConnect.stream(), askListen.stream()).toList()) {
      if (resolves(pattern, name, address, given)) {
        return AccessDecision.asked("ask net grant", pattern, rule);
      }
    }
    return AccessDecision.denied(
        name != null
            ? "no connect or listen grant of the tool's rule names the host " + name
            : "no connect or listen grant of the tool's rule names the address "
                + address.getHostAddress());
  }

  private static boolean resolves(
      NetPattern pattern, String name, InetAddress address, String given) {
    return pattern instanceof HostPort hostPort
        && (name != null ? hostPort.namesHost(name) : hostPort.matchesHost(given, address));
  }
}
