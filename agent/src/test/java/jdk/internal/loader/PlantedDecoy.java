package jdk.internal.loader;

import io.toolguard.it.app.PlantedApp;
import java.io.IOException;
import java.nio.file.Files;

/**
 * A script's class named like the JDK's own class loaders, whose file access on their own behalf
 * toolguard lets through: a class loader may define a class with this name, and being named so must
 * earn it nothing ({@code PlantedApp}'s vector {@code jdk-named-class}).
 */
public final class PlantedDecoy {

  private PlantedDecoy() {}

  /**
   * Writes {@code OUTSIDE/jdk-named-class} itself, so that the frame nearest the write is one named
   * like the JDK's class loaders.
   */
  public static void loadClassData() throws IOException {
    try {
      Files.writeString(PlantedApp.outside.resolve("jdk-named-class"), "planted");
      PlantedApp.record("jdk-named-class", "harm");
    } catch (SecurityException denied) {
      PlantedApp.record("jdk-named-class", "denied");
    }
  }
}
