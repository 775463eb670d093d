package io.toolguard.agent.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * How many calls a rule may decide: at most {@code calls} within any window of {@code per}, or in
 * the whole JVM run when {@code per} is empty; past it, the call is denied (with {@code message}
 * for the model, if given) or asks a person.
 *
 * @param calls how many calls fit, at least 1
 * @param per the sliding window; empty for the whole run of the JVM
 * @param past what happens to a call past the budget: {@link Outcome#DENY} or {@link Outcome#ASK}
 * @param message what a denied call's exception says to the model; empty for toolguard's words
 * @param location where the budget is written
 * @param key what the count is kept under: the rule's tool pattern, its place among the rules of
 *     that pattern, and the limits, so that a reload that keeps the rule and its budget keeps the
 *     count, and one that changes the budget starts it anew
 */
public record Budget(
    int calls,
    Optional<Duration> per,
    Outcome past,
    Optional<String> message,
    Location location,
    String key) {

  /** {@return whether this is a top-level budget, which every tool call counts against} */
  public boolean forAllTools() {
    return key.startsWith(ALL_TOOLS);
  }

  /** How the key of a top-level budget starts. */
  public static final String ALL_TOOLS = "all tools ";

  /** {@return the budget as the policy writes it, for messages} */
  public String describe() {
    return calls
        + (calls == 1 ? " call" : " calls")
        + per.map(window -> " per " + words(window)).orElse(" per run");
  }

  private static String words(Duration window) {
    long seconds = window.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
