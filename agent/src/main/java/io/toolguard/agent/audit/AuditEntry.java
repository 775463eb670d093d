package io.toolguard.agent.audit;

/** One line of the audit log. */
public interface AuditEntry {

  /** {@return the entry as one JSON object, without a line break} */
  String toJson();
}
