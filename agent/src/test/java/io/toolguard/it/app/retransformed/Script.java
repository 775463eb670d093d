package io.toolguard.it.app.retransformed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A "script" a tool has a class loader define ({@code RetransformedApp}): code born in the tool,
 * which the application keeps and runs later, outside tools. It writes the file it is handed.
 */
public final class Script implements Consumer<String> {

  @Override
  public void accept(String target) {
    try {
      Files.writeString(Path.of(target), "written by born code");
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
