package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A change of the policy in force, as one line of the audit log: a reload that took effect, or one
 * that was rejected (the previous policy stays).
 *
 * @param event {@code policy-reloaded} or {@code policy-rejected}
 * @param sha256 the digest of the policy files' content (the rejected content for a rejection)
 * @param detail the number of rules, or the problems that made the policy invalid
 */
public record PolicyEvent(Instant time, String event, String policy, String sha256, String detail)
    implements AuditEntry {

  @Override
  public String toJson() {
    return Json.object(
        "time",
        time.toString(),
        "event",
        event,
        "policy",
        policy,
        "sha256",
        sha256,
        "detail",
        detail);
  }
}
