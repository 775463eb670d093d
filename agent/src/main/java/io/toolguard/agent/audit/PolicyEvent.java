package io.toolguard.agent.audit;

import java.time.Instant;

/**
 * A change of the policy in force, as one line of the audit log: a reload that took effect, or
 * one that was rejected (the previous policy stays).
 *
 * @param event {@code policy-reloaded} or {@code policy-rejected}
 * @param sha256 the digest of the policy files' content (the rejected content for a rejection)
 * @param detail the number of rules, or the problems that made the policy invalid
 */
public record PolicyEvent(Instant time, String event, String policy, String sha256, String detail)
    implements AuditEntry {

  @Override
  public String toJson() {
    StringBuilder json = new StringBuilder(160).append('{');
    Json.field(json, "time", time.toString()).append(',');
    Json.field(json, "event", event).append(',');
    Json.field(json, "policy", policy).append(',');
    Json.field(json, "sha256", sha256).append(',');
    Json.field(json, "detail", detail);
    return json.append('}').toString();
  }
}
