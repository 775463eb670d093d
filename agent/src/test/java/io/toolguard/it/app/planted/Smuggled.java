package io.toolguard.it.app.planted;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Code a script hands to a class loader the application made outside tools (a shared script
 * engine's), or that loader's own class file: it writes {@code target} when run. Uses only the JDK,
 * so that any loader can define it.
 */
public final class Smuggled implements Runnable {

  private final String target;

  public Smuggled(String target) {
    this.target = target;
  }

  @Override
  public void run() {
    try {
      Files.writeString(Path.of(target), "smuggled");
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
