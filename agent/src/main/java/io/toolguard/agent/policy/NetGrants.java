package io.toolguard.agent.policy;

import java.util.List;

/**
 * Where a tool may connect (TCP connections, and UDP connects and sends) and where it may listen
 * (TCP server sockets), and where either first needs a person's approval (which beats a plain
 * grant). Nothing listed is nothing granted.
 */
public record NetGrants(List<HostPort> connect, List<HostPort> listen, List<HostPort> askConnect,
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
}
