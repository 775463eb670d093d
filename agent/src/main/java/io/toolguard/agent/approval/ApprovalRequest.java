package io.toolguard.agent.approval;

import io.toolguard.agent.policy.Risk;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A tool call waiting for a person: what is shown to approvers, and what identifies it.
 *
 * @param id the request's public id, shown on every channel
 * @param key a secret that lets the holder decide this request only (sent to the webhook)
 * @param tool the tool's name, as the policy knows it
 * @param method {@code class#method} of the tool, or for a file access the operation ("write a
 *     file")
 * @param arguments the arguments, whole and unescaped: channels show {@link #shown()}
 * @param exactArguments the canonical arguments compared exactly by "approve for the session with
 *     these arguments"; empty when they cannot be compared (objects other than texts, numbers and
 *     the like)
 * @param rule the policy rule that asked, as {@code file:line}
 * @param shown what every channel shows of this request, escaped, with the call's hash
 */
public record ApprovalRequest(
    String id,
    String key,
    String callId,
    String tool,
    String method,
    Risk risk,
    CallArguments arguments,
    Optional<String> exactArguments,
    String thread,
    String rule,
    Instant created,
    Instant deadline,
    RequestText shown) {

  /** {@return whether approving also needs the tool's name typed as confirmation} */
  public boolean needsConfirmation() {
    return risk == Risk.CRITICAL;
  }

  /** {@return the call's hash, which binds a decision to the call its approver saw} */
  public String callHash() {
    return shown.callHash();
  }

  /** {@return every argument whole, escaped as shown} */
  public String wholeArguments() {
    return CallText.arguments(arguments, true);
  }

  /** {@return the time left to decide, never negative} */
  public Duration timeLeft(Instant now) {
    Duration left = Duration.between(now, deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
