package io.toolguard.it.app;

/**
 * {@code BootPathApp CLASS...}: prints, for each class name, whether the bootstrap class loader
 * finds it ({@code "name: boot"}) or not ({@code "name: not on the boot path"}).
 */
public final class BootPathApp {

  private BootPathApp() {}

  public static void main(String[] args) {
    for (String name : args) {
      String where;
      try {
        Class.forName(name, false, null);
        where = "boot";
      } catch (ClassNotFoundException absent) {
        where = "not on the boot path";
      }
      System.out.println(name + ": " + where);
    }
  }
}
