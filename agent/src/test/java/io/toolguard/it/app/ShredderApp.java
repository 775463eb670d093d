package io.toolguard.it.app;

import com.sun.toolguard.probe.Shredder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tool method a class inherits from an interface in a package named like the JDK's, without
 * naming the annotation itself: {@link Impl#shred} implements {@link Shredder#shred}. {@code main}
 * loads {@code Impl} first (so the JVM defines it before its interface) and calls {@code shred} by
 * reflection, which writes {@code shredded.txt} in the working folder. Prints {@code shred: ran} or
 * {@code shred: denied: …}.
 */
public final class ShredderApp {

  private ShredderApp() {}

  /** Inherits the tool: its own bytes name no tool annotation. */
  public static final class Impl implements Shredder {
    @Override
    public String shred(String what) throws Exception {
      Files.writeString(Path.of("shredded.txt"), what);
      return "ran";
    }
  }

  public static void main(String[] args) throws Exception {
    Object impl =
        Class.forName(ShredderApp.class.getName() + "$Impl").getDeclaredConstructor().newInstance();
    try {
      Object result = impl.getClass().getMethod("shred", String.class).invoke(impl, "x");
      System.out.println("shred: " + result);
    } catch (java.lang.reflect.InvocationTargetException thrown) {
      System.out.println("shred: denied: " + thrown.getCause().getMessage());
    }
  }
}
