package io.toolguard.it.app.layered;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Code a tool defines in a module layer of its own ({@code PlantedApp}'s {@code module-layer}): it
 * writes its target when run. It uses nothing but {@code java.base}, which its module reads.
 */
public final class Layered implements Runnable {

  private final String target;

  public Layered(String target) {
    this.target = target;
  }

  @Override
  public void run() {
    try {
      Files.writeString(Path.of(target), "module-layer");
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
