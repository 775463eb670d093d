package io.toolguard.api;

/**
 * How much harm a tool can do, which decides how toolguard treats a call the policy allows.
 *
 * <ul>
 *   <li>{@link #LOW} runs.
 *   <li>{@link #MEDIUM} runs and is logged as a medium-risk call.
 *   <li>{@link #HIGH} waits for a person's approval.
 *   <li>{@link #CRITICAL} waits for approval plus an explicit confirmation.
 * </ul>
 *
 * <p>The policy file can override the risk a tool declares.
 */
public enum Risk {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL
}
