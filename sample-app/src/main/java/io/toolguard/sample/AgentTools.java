package io.toolguard.sample;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tools the agent can call. Deliberately naive, as real tools often are: they do what they are
 * asked with whatever path or address the model passes. Guarding them is toolguard's job.
 */
final class AgentTools {

  private static final Map<String, List<String>> DOCUMENTS =
      Map.of("data", List.of("data/notes.md", "data/q3-report.md", "data/customers.csv"));

  private final Path workspace;

  AgentTools(Path workspace) {
    this.workspace = workspace;
  }

  @Tool(name = "read_file", risk = Risk.LOW, description = "Reads a text file")
  String readFile(String path) throws IOException {
    return Files.readString(workspace.resolve(path));
  }

  @Tool(name = "write_file", risk = Risk.MEDIUM, description = "Writes a text file")
  String writeFile(String path, String content) throws IOException {
    Path target = workspace.resolve(path);
    Files.createDirectories(target.getParent());
    Files.writeString(target, content);
    return "wrote " + content.length() + " characters to " + path;
  }

  @Tool(name = "delete_file", risk = Risk.HIGH, description = "Deletes a file")
  String deleteFile(String path) throws IOException {
    Files.delete(workspace.resolve(path));
    return "deleted " + path;
  }

  /** Sends mail by appending it to the workspace's outbox, standing in for a mail server. */
  @Tool(name = "send_email", risk = Risk.HIGH, description = "Sends an email")
  String sendEmail(String to, String subject, String body) throws IOException {
    append("outbox/sent.eml", "To: " + to + "\nSubject: " + subject + "\n\n" + body + "\n.\n");
    return "sent to " + to;
  }

  /** Records the code instead of running it: the demo must stay harmless without toolguard too. */
  @Tool(name = "execute_code", risk = Risk.CRITICAL, description = "Runs a shell command")
  String executeCode(String code) throws IOException {
    append("outbox/executed.log", code + "\n");
    return "executed (simulated: recorded in outbox/executed.log, not run)";
  }

  @Tool(name = "query_db", risk = Risk.LOW, description = "Lists documents in a folder")
  String queryDb(String folder) {
    return DOCUMENTS.getOrDefault(folder, List.of()).stream().collect(Collectors.joining("\n"));
  }

  private void append(String path, String text) throws IOException {
    Path target = workspace.resolve(path);
    Files.createDirectories(target.getParent());
    Files.writeString(
        target, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
