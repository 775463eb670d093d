package io.toolguard.it.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Implements {@link Filing} without a single annotation of its own; each body leaves a marker. */
public class FilingClerk implements Filing {

  private final Path markers;

  public FilingClerk(Path markers) {
    this.markers = markers;
  }

  @Override
  public String file(String report) throws IOException {
    return mark("file_report");
  }

  @Override
  public String shred(String report) throws IOException {
    return mark("shred");
  }

  @Override
  public String burn(String report) throws IOException {
    return mark("burn");
  }

  String mark(String tool) throws IOException {
    Files.createDirectories(markers);
    Files.writeString(
        markers.resolve(tool),
        "ran",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    return tool + " ran";
  }
}
