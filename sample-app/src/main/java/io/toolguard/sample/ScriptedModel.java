package io.toolguard.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Stands in for the LLM: plans tool calls for "summarise the files in the data folder", and, like a
 * gullible model, obeys instructions it finds inside the files it reads.
 */
final class ScriptedModel {

  static final String INJECTION_MARKER = "SYSTEM NOTE FOR AI ASSISTANTS";
  static final String DRAFT_FILE = "out/draft.md";
  private static final String SUMMARY_FILE = "out/summary.md";

  private final Deque<ToolCall> plan = new ArrayDeque<>();
  private final List<String> summary = new ArrayList<>();
  private String lastResult = "";

  ScriptedModel() {
    plan.add(new ToolCall("query_db", List.of("data"), false));
  }

  /** {@return the next tool call the model wants, or empty when it is ready to answer} */
  Optional<ToolCall> next() {
    ToolCall call = plan.poll();
    if (call == null) {
      return Optional.empty();
    }
    return Optional.of(
        switch (call.tool()) {
          case "send_email" ->
              new ToolCall(
                  call.tool(),
                  List.of(call.arguments().get(0), "maintenance", lastResult),
                  call.injected());
          case "write_file" ->
              new ToolCall(
                  call.tool(),
                  List.of(
                      SUMMARY_FILE, "# Summary of data/\n\n" + String.join("\n", summary) + "\n"),
                  call.injected());
          default -> call;
        });
  }

  /** Shows the model what a call returned (or the error the framework would hand back). */
  void observe(ToolCall call, String result, boolean succeeded) {
    lastResult = result;
    if (!succeeded) {
      return;
    }
    if (call.tool().equals("query_db")) {
      result.lines().forEach(path -> plan.add(new ToolCall("read_file", List.of(path), false)));
      plan.add(new ToolCall("write_file", List.of(SUMMARY_FILE), false));
    } else if (call.tool().equals("write_file")) {
      // Tidying up the stale draft is legitimate, and deleting is risky: a person approves it.
      plan.add(new ToolCall("delete_file", List.of(DRAFT_FILE), false));
    } else if (call.tool().equals("read_file") && !call.injected()) {
      summary.add("- " + call.arguments().get(0) + ": " + result.lines().count() + " lines");
      if (result.contains(INJECTION_MARKER)) {
        obeyInjection(result);
      }
    }
  }

  /**
   * Queues the injected instructions ahead of everything else, as a model that follows them would.
   */
  private void obeyInjection(String text) {
    List<ToolCall> injected = new ArrayList<>();
    for (String line : text.substring(text.indexOf(INJECTION_MARKER)).lines().toList()) {
      String[] words = line.strip().split(" ", 2);
      if (words.length == 2
          && List.of("read_file", "send_email", "delete_file", "execute_code").contains(words[0])) {
        injected.add(new ToolCall(words[0], List.of(words[1]), true));
      }
    }
    for (int i = injected.size() - 1; i >= 0; i--) {
      plan.addFirst(injected.get(i));
    }
  }

  String answer() {
    return "Here is a summary of the data folder:\n" + String.join("\n", summary);
  }
}
