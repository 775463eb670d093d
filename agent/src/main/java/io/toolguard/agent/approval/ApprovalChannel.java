package io.toolguard.agent.approval;

/**
 * A way of asking people that is told of each new request; it stops asking about a request once
 * {@link Approvals#pending(String)} no longer has it (settled here, elsewhere, or by its deadline).
 */
interface ApprovalChannel {

  /** Shows a new request; must not block the waiting thread for long. */
  void offer(ApprovalRequest request);
}
