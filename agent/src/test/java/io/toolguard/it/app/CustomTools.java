package io.toolguard.it.app;

/** Tools marked by the application's own annotations only. */
public final class CustomTools {

  @AgentAction(name = "archive")
  public String archive() {
    return "archived";
  }

  @ReportTool("summarise")
  public String summarise() {
    return "summarised";
  }
}
