package io.toolguard.it.app.lookup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What born code defines with its own lookup ({@link Script}): it writes the file it is handed. */
public final class Payload implements Consumer<String> {

  @Override
  public void accept(String target) {
    try {
      Files.writeString(Path.of(target), "written by a class born code defined");
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
