/**
 * Asking a person: the broker that pauses a calling thread until a decision or its deadline, the
 * approver that records both ends in the audit log, and the channels (terminal, web page and JSON
 * API, webhook). Depends on {@code policy} and {@code audit}.
 */
package io.toolguard.agent.approval;
