package io.toolguard.agent.approval;

/** A way of asking people: shown each new request, and told when one is settled elsewhere. */
interface ApprovalChannel {

  /** Shows a new request; must not block the waiting thread for long. */
  void offer(ApprovalRequest request);

  /** The request is settled (here, elsewhere, or by its deadline); stop asking about it. */
  default void withdraw(ApprovalRequest request) {}
}
