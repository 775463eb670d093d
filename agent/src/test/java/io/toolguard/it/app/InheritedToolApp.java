package io.toolguard.it.app;

import com.sun.toolguard.probe.Burner;
import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tool method a class inherits without naming the annotation: {@link Impl#burn} implements {@link
 * Tools#burn}, which carries {@code @Tool}; {@link FromJdkNamedPackage#burn} implements {@link
 * Burner#burn}, from a package named like the JDK's. {@code main} loads the class its argument
 * names ({@code Impl} without one) first (so the JVM defines it before its interface) and calls
 * {@code burn} by reflection, which writes {@code burned.txt} in the working folder. Prints {@code
 * burn: ran} or {@code burn: denied: …}.
 */
public final class InheritedToolApp {

  private InheritedToolApp() {}

  /** Declares the tool. */
  public interface Tools {
    @Tool(name = "burn", risk = Risk.LOW)
    String burn(String what) throws Exception;
  }

  /** Inherits it: its own bytes name no tool annotation. */
  public static final class Impl implements Tools {
    @Override
    public String burn(String what) throws Exception {
      Files.writeString(Path.of("burned.txt"), what);
      return "ran";
    }
  }

  /** Inherits it from a class path interface in a package named like the JDK's. */
  public static final class FromJdkNamedPackage implements Burner {
    @Override
    public String burn(String what) throws Exception {
      // its own write: a call of Impl's tool would be decided there, whatever this class is
      Files.writeString(Path.of("burned.txt"), what);
      return "ran";
    }
  }

  public static void main(String[] args) throws Exception {
    String nested = args.length > 0 ? args[0] : "Impl";
    Object impl =
        Class.forName(InheritedToolApp.class.getName() + "$" + nested)
            .getDeclaredConstructor()
            .newInstance();
    try {
      Object result = impl.getClass().getMethod("burn", String.class).invoke(impl, "x");
      System.out.println("burn: " + result);
    } catch (java.lang.reflect.InvocationTargetException thrown) {
      System.out.println("burn: denied: " + thrown.getCause().getMessage());
    }
  }
}
