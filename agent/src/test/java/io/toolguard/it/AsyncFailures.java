package io.toolguard.it;

import java.util.List;

/** Output lines with the JDK's own wrapping of an asynchronous channel's failure taken off. */
final class AsyncFailures {

  private AsyncFailures() {}

  /** JDK 25 wraps a failed asynchronous connect in an {@code IOException}; JDK 17 does not. */
  static List<String> unwrapped(String output) {
    return output
        .lines()
        .map(
            line ->
                line.replace(
                    "failed: java.io.IOException: java.lang.SecurityException",
                    "failed: java.lang.SecurityException"))
        .toList();
  }
}
