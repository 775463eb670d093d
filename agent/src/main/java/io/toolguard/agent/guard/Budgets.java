package io.toolguard.agent.guard;

import io.toolguard.agent.policy.Budget;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counts of the rules' budgets, kept for the life of the JVM under each budget's key, so that a
 * policy reload that keeps a rule's budget keeps its count. Exact under concurrency: each count
 * admits under its own lock, so calls at the edge of a budget never run one too many.
 */
final class Budgets {

  private final ConcurrentHashMap<String, Count> counts = new ConcurrentHashMap<>();

  /**
   * {@return whether one more call fits the budget now, counting it if it does}
   *
   * @param now a {@link System#nanoTime()} reading
   */
  boolean admit(Budget budget, long now) {
    return counts.computeIfAbsent(budget.key(), key -> new Count(budget)).admit(now);
  }

  /**
   * One budget's count: per run, a number; per window, the times of the last {@code calls} calls
   * admitted, in a ring, so a call fits when the oldest of them is a whole window old.
   */
  private static final class Count {
    private final int calls;
    private final long windowNanos;
    private final long[] times;
    private int next;
    private long admitted;

    Count(Budget budget) {
      this.calls = budget.calls();
      this.windowNanos = budget.per().map(java.time.Duration::toNanos).orElse(-1L);
      this.times = windowNanos < 0 ? new long[0] : new long[budget.calls()];
    }

    synchronized boolean admit(long now) {
      if (windowNanos < 0) {
        if (admitted >= calls) {
          return false;
        }
        admitted++;
        return true;
      }
      if (admitted >= calls && now - times[next] < windowNanos) {
        return false;
      }
      times[next] = now;
      next = (next + 1) % calls;
      admitted++;
      return true;
    }
  }
}
