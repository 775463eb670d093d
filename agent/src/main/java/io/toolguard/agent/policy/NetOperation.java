package io.toolguard.agent.policy;

/** What a tool does on the network: connect (or send a datagram) to an address, or listen on one. */
public enum NetOperation {
  CONNECT,
  LISTEN;

  /** {@return the name as policies and the audit log write it} */
  public String label() {
    return Keywords.of(this);
  }
}
