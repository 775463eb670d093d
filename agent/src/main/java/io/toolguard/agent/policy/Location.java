package io.toolguard.agent.policy;

/** A place in a policy file, 1-based, as people and editors count. */
public record Location(String file, int line, int column) {

  /** {@return {@code file:line}, how audit logs and denials cite a rule} */
  public String rule() {
    return file + ":" + line;
  }

  /** {@return {@code file:line:column}, how errors point at a value} */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
