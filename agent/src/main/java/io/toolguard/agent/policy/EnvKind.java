package io.toolguard.agent.policy;

/** What a tool reads by name: an environment variable or a system property. */
public enum EnvKind {
  VARIABLE,
  PROPERTY;

  /** {@return the name as the audit log writes it} */
  public String label() {
    return Keywords.of(this);
  }
}
