package io.toolguard.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code schema}: prints the JSON Schema of the policy format, for editors and CI checks. */
final class SchemaCommand implements Command {

  static final String RESOURCE = "toolguard-policy.schema.json";

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: java -jar toolguard-agent.jar schema",
        "Prints the JSON Schema (draft 2020-12) of the policy format. The same file ships as",
        "policies/" + RESOURCE + "; point an editor at it with a first line such as",
        "  # yaml-language-server: $schema=" + RESOURCE);
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("schema takes no arguments");
    }
    out.print(text());
    return Cli.OK;
  }

  static String text() {
    try (InputStream in = SchemaCommand.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the agent jar lacks " + RESOURCE + "; it is damaged, download it again");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
