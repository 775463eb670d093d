package io.toolguard.it.app;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Loads a tool class from a folder of class files and calls its static tool {@code straddle(int)},
 * then an ordinary tool that must keep working: {@code UnweavableApp <classes folder>}.
 */
public final class UnweavableApp {

  private UnweavableApp() {}

  public static void main(String[] args) throws Exception {
    URL folder = Path.of(args[0]).toUri().toURL();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {folder}, UnweavableApp.class.getClassLoader())) {
      try {
        loader.loadClass("Straddle").getMethod("straddle", int.class).invoke(null, 1);
        System.out.println("straddle: ran");
      } catch (LinkageError refused) {
        System.out.println("straddle: not loaded: " + refused.getClass().getSimpleName());
      }
    }
    try {
      new GuardedTools(Path.of("markers")).lookup("after");
      System.out.println("lookup: ran");
    } catch (SecurityException denied) {
      System.out.println("lookup: denied");
    }
  }
}
