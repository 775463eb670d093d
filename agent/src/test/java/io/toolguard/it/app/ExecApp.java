package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The application of the process tests. {@code ExecApp SCENARIO} runs each command inside the tool
 * {@code run} and prints {@code LABEL: ran: OUTPUT} or {@code LABEL: denied: MESSAGE}.
 */
public final class ExecApp {

  private ExecApp() {}

  @Tool(name = "run", risk = Risk.LOW)
  static String run(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    Map<String, Callable<String>> commands = new LinkedHashMap<>();
    switch (args[0]) {
      case "grants" -> {
        commands.put("echo", () -> output(new ProcessBuilder("echo", "hi")));
        commands.put("not granted", () -> output(new ProcessBuilder("printf", "x")));
        commands.put(
            "bare grant, run by path", () -> output(new ProcessBuilder("/bin/echo", "hi")));
        commands.put("path grant, run by name", () -> output(new ProcessBuilder("ls", "-a", "in")));
        commands.put(
            "path grant, granted arguments",
            () -> output(new ProcessBuilder("/bin/ls", "-l", "in")));
        commands.put(
            "path grant, other arguments", () -> output(new ProcessBuilder("ls", "-R", "/")));
        commands.put(
            "Runtime.exec",
            () ->
                new String(
                        Runtime.getRuntime()
                            .exec(new String[] {"echo", "exec"})
                            .getInputStream()
                            .readAllBytes(),
                        StandardCharsets.UTF_8)
                    .strip());
        commands.put(
            "pipeline",
            () -> {
              List<Process> pipeline =
                  ProcessBuilder.startPipeline(
                      List.of(
                          new ProcessBuilder("echo", "piped"),
                          new ProcessBuilder("ls", "-a", "in")));
              return new String(
                      pipeline.get(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                  .strip()
                  .replace('\n', ' ');
            });
        commands.put(
            "redirect into the sandbox",
            () -> {
              new ProcessBuilder("echo", "kept")
                  .redirectOutput(new File("out/echo.txt"))
                  .start()
                  .waitFor();
              return "exit";
            });
        commands.put(
            "redirect outside",
            () -> {
              new ProcessBuilder("echo", "leaked")
                  .redirectOutput(new File("../outside.txt"))
                  .start()
                  .waitFor();
              return "exit";
            });
        commands.put(
            "input from outside",
            () -> output(new ProcessBuilder("echo", "x").redirectInput(new File("../secret.txt"))));
        commands.put("asks", () -> output(new ProcessBuilder("true")));
        commands.put("asks again", () -> output(new ProcessBuilder("true")));
      }
      case "audit" ->
          commands.put("not granted", () -> output(new ProcessBuilder("printf", "ran anyway")));
      default -> throw new IllegalArgumentException(args[0]);
    }
    commands.forEach((label, command) -> ToolApp.call(label, () -> run(command), true));
  }

  private static String output(ProcessBuilder process) throws Exception {
    Process started = process.start();
    String out =
        new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .strip()
            .replace('\n', ' ');
    started.waitFor();
    return out;
  }
}
