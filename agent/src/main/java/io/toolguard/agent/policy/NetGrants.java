package io.toolguard.agent.policy;

import java.net.InetAddress;
import java.util.List;

/**
 * Where a tool may connect (TCP connections, and UDP connects and sends) and where it may listen
 * (TCP server sockets), and where either first needs a person's approval (which beats a plain
 * grant). Nothing listed is nothing granted.
 */
public record NetGrants(
    List<HostPort> connect,
    List<HostPort> listen,
    List<HostPort> askConnect,
    List<HostPort> askListen) {

  /** Grants nothing. */
  public static final NetGrants NONE = new NetGrants(List.of(), List.of(), List.of(), List.of());

  public NetGrants {
    connect = List.copyOf(connect);
    listen = List.copyOf(listen);
    askConnect = List.copyOf(askConnect);
    askListen = List.copyOf(askListen);
  }

  /** {@return the patterns that grant this operation} */
  public List<HostPort> of(NetOperation operation) {
    return operation == NetOperation.CONNECT ? connect : listen;
  }

  /** {@return the patterns where this operation needs a person's approval} */
  public List<HostPort> asking(NetOperation operation) {
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
    for (HostPort pattern : asking(operation)) {
      if (pattern.matches(name, address, port)) {
        return AccessDecision.asked("ask " + operation.label() + " grant", pattern, rule);
      }
    }
    for (HostPort pattern : of(operation)) {
      if (pattern.matches(name, address, port)) {
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
}
