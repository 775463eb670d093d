package io.toolguard.agent.env;

/** What a tool's read of the environment or the system properties hands to {@link EnvGuard}. */
public enum EnvTarget {
  /** One name about to be looked up: the guard answers with the name to look up instead. */
  NAME,
  /**
   * The whole map about to be returned: the guard answers with a copy holding only what the tool
   * may read.
   */
  COPY,
  /** A map that a started process will inherit: the guard trims it where it stands. */
  IN_PLACE
}
