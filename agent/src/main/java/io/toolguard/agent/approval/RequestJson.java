package io.toolguard.agent.approval;

import io.toolguard.agent.audit.Json;
import java.time.Instant;

/** Requests and settled requests as the JSON API and the webhook show them. */
final class RequestJson {

  private RequestJson() {}

  static String pending(ApprovalRequest request, Instant now) {
    return Json.object(fields(request, now));
  }

  /** {@return what the webhook is posted: a waiting request, and the address that decides it} */
  static String posted(ApprovalRequest request, Instant now, String decisionUrl) {
    Object[] fields = fields(request, now);
    Object[] all = java.util.Arrays.copyOf(fields, fields.length + 2);
    all[fields.length] = "decision_url";
    all[fields.length + 1] = decisionUrl;
    return Json.object(all);
  }

  private static Object[] fields(ApprovalRequest request, Instant now) {
    return new Object[] {
      "id", request.id(),
      "call_id", request.callId(),
      "tool", request.tool(),
      "method", request.method(),
      "risk", request.risk().name(),
      "arguments", request.arguments(),
      "thread", request.thread(),
      "rule", request.rule(),
      "created", request.created().toString(),
      "deadline", request.deadline().toString(),
      "seconds_left", request.timeLeft(now).toSeconds(),
      "needs_confirmation", request.needsConfirmation(),
      "exact_arguments", request.exactArguments().isPresent()
    };
  }

  static String settled(Resolution resolution) {
    ApprovalRequest request = resolution.request();
    Answer answer = resolution.answer();
    return Json.object(
        "id", request.id(),
        "tool", request.tool(),
        "risk", request.risk().name(),
        "arguments", request.arguments(),
        "status", answer.choice().label(),
        "by", answer.by(),
        "channel", answer.channel(),
        "message", answer.message(),
        "waited_ms", resolution.waited().toMillis());
  }
}
