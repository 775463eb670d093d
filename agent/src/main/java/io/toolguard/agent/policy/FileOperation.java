package io.toolguard.agent.policy;

/** The kinds of file access a grant can allow. */
public enum FileOperation implements Keyword {
  READ,
  WRITE,
  DELETE
}
