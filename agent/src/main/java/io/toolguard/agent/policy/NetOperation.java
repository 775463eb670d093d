package io.toolguard.agent.policy;

/**
 * What a tool does on the network: connect (or send a datagram) to an address, or listen on one.
 */
public enum NetOperation implements Keyword {
  CONNECT,
  LISTEN;
}
