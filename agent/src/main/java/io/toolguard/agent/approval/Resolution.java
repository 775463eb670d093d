package io.toolguard.agent.approval;

import java.time.Duration;

/**
 * How a request ended, for the guard that waited on it and for the audit log.
 *
 * @param answer the decision, or the deadline or interruption that ended it
 * @param earlier whether an approval for the session given earlier decided, with no one asked now
 * @param waited how long the call waited
 */
public record Resolution(ApprovalRequest request, Answer answer, boolean earlier, Duration waited) {

  public boolean approved() {
    return answer.choice().approves();
  }

  /** {@return why the call runs or not, in words, for the audit log} */
  public String reason() {
    return switch (answer.choice()) {
      case TIMED_OUT -> "approval timed out after " + seconds(waited) + "; silence means no";
      case INTERRUPTED -> "the thread waiting for approval was interrupted";
      default ->
          (approved() ? (earlier ? "approved earlier for this run" : "approved") : "denied")
              + (answer.choice() == Answer.Choice.APPROVE_SESSION
                  ? " (these arguments, for this run)"
                  : answer.choice() == Answer.Choice.APPROVE_TOOL
                      ? " (any arguments, for this run)"
                      : "")
              + " by "
              + answer.by()
              + " via "
              + answer.channel()
              + (earlier ? "" : " after " + seconds(waited))
              + (answer.message() == null ? "" : ": " + answer.message());
    };
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
