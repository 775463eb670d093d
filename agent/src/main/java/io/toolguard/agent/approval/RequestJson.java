package io.toolguard.agent.approval;

import io.toolguard.agent.audit.Json;
import java.time.Instant;
import java.util.Arrays;

/**
 * Requests and settled requests as the JSON API and the webhook show them: every text a model, a
 * tool or an approver could choose is the escaped {@link RequestText}, so that what a page, a bot
 * or a chat shows of it cannot be rewritten by control or bidirectional characters.
 */
final class RequestJson {

  private RequestJson() {}

  static String pending(ApprovalRequest request, Instant now) {
    return Json.object(fields(request, now));
  }

  /** {@return one request, with its arguments also whole ({@code arguments_full})} */
  static String detail(ApprovalRequest request, Instant now, boolean waiting) {
    return Json.object(
        with(fields(request, now), "arguments_full", request.wholeArguments(), "pending", waiting));
  }

  /** {@return what the webhook is posted: a waiting request, and the address that decides it} */
  static String posted(ApprovalRequest request, Instant now, String decisionUrl) {
    return Json.object(with(fields(request, now), "decision_url", decisionUrl));
  }

  private static Object[] with(Object[] fields, Object... more) {
    Object[] all = Arrays.copyOf(fields, fields.length + more.length);
    System.arraycopy(more, 0, all, fields.length, more.length);
    return all;
  }

  private static Object[] fields(ApprovalRequest request, Instant now) {
    RequestText shown = request.shown();
    return new Object[] {
      "id", request.id(),
      "call_id", request.callId(),
      "call_hash", shown.callHash(),
      "tool", shown.tool(),
      "method", shown.method(),
      "risk", request.risk().name(),
      "arguments", shown.arguments(),
      "arguments_shortened", shown.shortened(),
      "thread", shown.thread(),
      "rule", shown.rule(),
      "created", request.created().toString(),
      "deadline", request.deadline().toString(),
      "seconds_left", request.timeLeft(now).toSeconds(),
      "needs_confirmation", request.needsConfirmation(),
      "exact_arguments", request.exactArguments().isPresent()
    };
  }

  static String settled(Resolution resolution) {
    ApprovalRequest request = resolution.request();
    RequestText shown = request.shown();
    Answer answer = resolution.answer();
    return Json.object(
        "id", request.id(),
        "call_hash", shown.callHash(),
        "tool", shown.tool(),
        "risk", request.risk().name(),
        "arguments", shown.arguments(),
        "status", answer.choice().label(),
        "by", answer.by() == null ? null : CallText.visible(answer.by()),
        "channel", answer.channel(),
        "message", answer.message() == null ? null : CallText.visible(answer.message()),
        "waited_ms", resolution.waited().toMillis());
  }
}
