package io.toolguard.agent.policy;

/** What a tool reads by name: an environment variable or a system property. */
public enum EnvKind implements Keyword {
  VARIABLE,
  PROPERTY;
}
