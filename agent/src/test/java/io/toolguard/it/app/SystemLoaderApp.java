package io.toolguard.it.app;

/** Prints, for each class named, whether the application class loader finds it. */
public final class SystemLoaderApp {

  private SystemLoaderApp() {}

  public static void main(String[] args) {
    for (String name : args) {
      String found;
      try {
        Class<?> type = Class.forName(name, false, ClassLoader.getSystemClassLoader());
        found = type.getClassLoader() == ClassLoader.getSystemClassLoader() ? "app" : "other";
      } catch (ClassNotFoundException absent) {
        found = "absent";
      }
      System.out.println(name + ": " + found);
    }
  }
}
