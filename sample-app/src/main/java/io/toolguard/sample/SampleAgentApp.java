package io.toolguard.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A small agent application: a user asks it to summarise the files in a data folder, and one of
 * them carries a prompt injection. Run it with and without the toolguard agent to see the
 * difference.
 *
 * <pre>
 * java [-javaagent:toolguard-agent.jar=policy=policies/sample-app.yaml] -jar toolguard-sample-app.jar [WORKSPACE]
 * </pre>
 */
public final class SampleAgentApp {

  private static final List<String> DATA_FILES =
      List.of("notes.md", "q3-report.md", "customers.csv");

  private SampleAgentApp() {}

  public static void main(String[] args) throws IOException {
    Path workspace =
        Path.of(args.length > 0 ? args[0] : "sample-workspace").toAbsolutePath().normalize();
    prepare(workspace);
    System.out.println(
        "User: Summarise the files in the data folder.   (workspace: " + workspace + ")");
    AgentTools tools = new AgentTools(workspace);
    ScriptedModel model = new ScriptedModel();
    int step = 0;
    for (Optional<ToolCall> next = model.next(); next.isPresent(); next = model.next()) {
      ToolCall call = next.get();
      System.out.printf(
          "%n[%d] model calls %s%s%n",
          ++step, call, call.injected() ? "   <- from the prompt injection" : "");
      try {
        String result = invoke(tools, call);
        System.out.println("    ran: " + firstLine(result));
        model.observe(call, result, true);
      } catch (SecurityException denied) {
        boolean approval = denied.getMessage() != null && denied.getMessage().contains("approval");
        System.out.println(
            (approval ? "    NEEDS APPROVAL, so blocked: " : "    BLOCKED: ")
                + denied.getMessage());
        model.observe(call, "Error: " + denied.getMessage(), false);
      } catch (IOException | RuntimeException failure) {
        System.out.println("    failed: " + failure);
        model.observe(call, "Error: " + failure, false);
      }
    }
    System.out.println("\nAssistant: " + model.answer());
    report(workspace);
  }

  private static String invoke(AgentTools tools, ToolCall call) throws IOException {
    List<String> a = call.arguments();
    return switch (call.tool()) {
      case "read_file" -> tools.readFile(a.get(0));
      case "write_file" -> tools.writeFile(a.get(0), a.get(1));
      case "delete_file" -> tools.deleteFile(a.get(0));
      case "send_email" -> tools.sendEmail(a.get(0), a.get(1), a.get(2));
      case "execute_code" -> tools.executeCode(a.get(0));
      case "query_db" -> tools.queryDb(a.get(0));
      default ->
          throw new IllegalArgumentException("the model asked for an unknown tool: " + call.tool());
    };
  }

  /** Lays out a fresh workspace, so every run starts from the same files. */
  private static void prepare(Path workspace) throws IOException {
    if (Files.exists(workspace)) {
      try (Stream<Path> old = Files.walk(workspace)) {
        for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(workspace.resolve("data"));
    Files.createDirectories(workspace.resolve("out"));
    Files.writeString(workspace.resolve(ScriptedModel.DRAFT_FILE), "# Summary (stale draft)\n");
    for (String name : DATA_FILES) {
      try (InputStream in = SampleAgentApp.class.getResourceAsStream("data/" + name)) {
        Files.copy(in, workspace.resolve("data").resolve(name));
      }
    }
  }

  private static void report(Path workspace) {
    System.out.println("\nWhat happened to the workspace:");
    System.out.println(
        "  data/customers.csv still there:  "
            + yesNo(Files.exists(workspace.resolve("data/customers.csv"))));
    System.out.println(
        "  emails sent (outbox/sent.eml):   "
            + yesNo(Files.exists(workspace.resolve("outbox/sent.eml"))));
    System.out.println(
        "  code executed (outbox/executed): "
            + yesNo(Files.exists(workspace.resolve("outbox/executed.log"))));
    System.out.println(
        "  summary written (out/summary.md): "
            + yesNo(Files.exists(workspace.resolve("out/summary.md"))));
    System.out.println(
        "  stale draft removed (out/draft.md): "
            + yesNo(!Files.exists(workspace.resolve(ScriptedModel.DRAFT_FILE))));
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }

  private static String firstLine(String text) {
    String first = text.lines().findFirst().orElse("");
    int lines = (int) text.lines().count();
    return '"'
        + (first.length() > 70 ? first.substring(0, 70) + "…" : first)
        + '"'
        + (lines > 1 ? " (+" + (lines - 1) + " more lines)" : "");
  }
}
