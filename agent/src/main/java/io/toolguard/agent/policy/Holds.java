package io.toolguard.agent.policy;

/**
 * Whether a condition on a call's arguments holds: yes, no, or cannot tell (the tool has no such
 * parameter, or the value is not of a kind the condition can judge). An allowing or asking rule
 * applies only when every condition holds; a denying rule applies unless one surely does not, so a
 * value toolguard cannot judge never slips past a deny rule.
 */
public enum Holds {
  YES,
  NO,
  UNKNOWN
}
