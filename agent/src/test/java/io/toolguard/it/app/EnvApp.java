package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The application of the environment tests: reads variables and properties inside the tool {@code
 * env} by every route, then one outside. Prints {@code LABEL: ran: VALUE}.
 */
public final class EnvApp {

  private EnvApp() {}

  @Tool(name = "env", risk = Risk.LOW)
  static String env(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    Map<String, Callable<String>> reads = new LinkedHashMap<>();
    reads.put("getenv granted", () -> System.getenv("TG_VISIBLE"));
    reads.put("getenv by pattern", () -> System.getenv("TG_PREFIX_A"));
    reads.put("getenv not granted", () -> System.getenv("TG_SECRET"));
    reads.put(
        "getenv map",
        () -> System.getenv().get("TG_VISIBLE") + " " + System.getenv().containsKey("TG_SECRET"));
    reads.put("getProperty granted", () -> System.getProperty("tg.visible"));
    reads.put("getProperty not granted", () -> System.getProperty("tg.secret"));
    reads.put("getProperty with default", () -> System.getProperty("tg.secret", "default"));
    reads.put("Integer.getInteger", () -> String.valueOf(Integer.getInteger("tg.secret")));
    reads.put("Long.getLong", () -> String.valueOf(Long.getLong("tg.secret")));
    reads.put("Boolean.getBoolean", () -> String.valueOf(Boolean.getBoolean("tg.flag")));
    reads.put(
        "getProperties",
        () ->
            System.getProperties().getProperty("tg.visible")
                + " "
                + System.getProperties().getProperty("tg.secret"));
    reads.put(
        "ProcessBuilder.environment",
        () ->
            String.valueOf(
                new ProcessBuilder()
                    .environment().keySet().stream()
                        .filter(name -> name.startsWith("TG_"))
                        .sorted()
                        .toList()));
    reads.put(
        "child process",
        () -> {
          Process printenv = new ProcessBuilder("printenv").start();
          String all = new String(printenv.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          printenv.waitFor();
          return String.valueOf(
              all.lines().filter(line -> line.startsWith("TG_")).sorted().toList());
        });
    reads.put(
        "the JDK reads its own settings", () -> String.valueOf(ZoneId.systemDefault() != null));
    reads.put(
        "the platform's standard properties",
        () ->
            System.getProperty("line.separator").length()
                + " "
                + System.getProperty("java.version").isEmpty()
                + " "
                + System.getProperty("sun.java.command"));
    reads.forEach((label, read) -> ToolApp.call(label, () -> env(read), true));
    ToolApp.call(
        "outside a tool",
        () ->
            System.getenv("TG_SECRET")
                + " "
                + System.getProperty("tg.secret")
                + " "
                + Long.getLong("tg.secret")
                + " "
                + Boolean.getBoolean("tg.flag"),
        true);
  }
}
