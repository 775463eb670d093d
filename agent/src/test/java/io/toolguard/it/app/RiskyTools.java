package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tools that need a person's approval; each leaves a marker named after its arguments when its body
 * runs.
 */
public final class RiskyTools {

  private final Path markers;

  public RiskyTools(Path markers) {
    this.markers = markers;
  }

  @Tool(name = "transfer", risk = Risk.HIGH)
  public String transfer(String account, long cents) throws IOException {
    return mark("transfer-" + account + "-" + cents);
  }

  @Tool(name = "purge", risk = Risk.CRITICAL)
  public String purge(String what) throws IOException {
    return mark("purge-" + what);
  }

  @Tool(name = "note", risk = Risk.HIGH)
  public String note(String text) throws IOException {
    return mark("note");
  }

  /** Low risk: the call runs at once, and the policy may still ask before a file goes. */
  @Tool(name = "tidy", risk = Risk.LOW)
  public String tidy(String path) throws IOException {
    Files.delete(Path.of(path));
    return "deleted " + path;
  }

  private String mark(String name) throws IOException {
    Files.createDirectories(markers);
    Files.writeString(markers.resolve(name), String.valueOf(System.nanoTime()));
    return name + " ran";
  }
}
