package io.toolguard.it.app.bootpath;

import io.toolguard.api.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Declares two tools, and refers to nothing but the JDK and the tool annotation, so that the
 * bootstrap loader can define it from the boot class path ({@code SuperTypeReadsIT}).
 */
public class Vault {

  protected final Path markers;

  public Vault(Path markers) {
    this.markers = markers;
  }

  @Tool(name = "peek_vault")
  public String peek() {
    return "peeked";
  }

  @Tool(name = "burn_vault")
  public String burn() throws IOException {
    Files.createDirectories(markers);
    Files.writeString(markers.resolve("burnt"), "burnt by the vault");
    return "burnt";
  }
}
