package io.toolguard.sample;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A tool call the model asks for; {@code injected} marks calls that came from a prompt injection.
 */
record ToolCall(String tool, List<String> arguments, boolean injected) {

  @Override
  public String toString() {
    return tool
        + arguments.stream().map(ToolCall::shorten).collect(Collectors.joining(", ", "(", ")"));
  }

  private static String shorten(String argument) {
    String oneLine = argument.replace("\n", "\\n");
    return '"' + (oneLine.length() > 60 ? oneLine.substring(0, 60) + "…" : oneLine) + '"';
  }
}
