package io.toolguard.it.app;

/**
 * Defined by a script, as a hidden class, in the application's own loader (through a private lookup
 * of {@link PlantedApp}): run later, it writes outside.
 */
final class HiddenHarm implements Runnable {
  @Override
  public void run() {
    PlantedApp.write("private-lookup", PlantedApp.outside.resolve("private-lookup"));
  }
}
