package io.toolguard.it.app.bootpath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Overrides both of {@link Vault}'s tools without an annotation of its own: its bytes name no tool
 * annotation, so only its super class's class file, read before that class loads, says that these
 * methods are tools.
 */
public class LocalVault extends Vault {

  public LocalVault(Path markers) {
    super(markers);
  }

  @Override
  public String peek() {
    return "peeked by the override";
  }

  @Override
  public String burn() throws IOException {
    Files.createDirectories(markers);
    Files.writeString(markers.resolve("burnt"), "burnt by the override");
    return "burnt by the override";
  }
}
