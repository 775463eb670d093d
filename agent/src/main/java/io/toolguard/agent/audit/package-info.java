/**
 * The audit log: one JSON line per decision, written by the agent itself, the record types, the
 * typed {@code Decision} vocabulary written here and read back by {@code suggest}, and the reader.
 * The one fail-closed write ({@code AuditLog.writeOrStop}) lives here. Depends on no other
 * toolguard package.
 */
package io.toolguard.agent.audit;
