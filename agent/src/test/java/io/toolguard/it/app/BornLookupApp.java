package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Code born in a tool defines a class with its own lookup: {@code BornLookupApp OUTSIDE}. The tool
 * {@code shared_script} has the application's shared engine define a script (born in the tool, in a
 * loader the tool did not create), which defines a class that is not hidden with its own lookup,
 * into that loader; the application runs what it handed back later, outside tools, and it tries to
 * write {@code OUTSIDE/defined-by-born-lookup}. The application prints {@code LOOKUP
 * defined-by-born-lookup harm|denied|…}. Then the same through a hidden class the script defines
 * with its own lookup, whose lookup defines the class: {@code LOOKUP defined-by-born-hidden-lookup
 * …}.
 */
public final class BornLookupApp {

  private static final String PACKAGE = "io/toolguard/it/app/lookup/";

  private BornLookupApp() {}

  @Tool(name = "shared_script", risk = Risk.LOW)
  @SuppressWarnings("unchecked")
  static Supplier<Consumer<String>> sharedScript(
      PlantedApp.SharedEngine engine, byte[] script, byte[] payload)
      throws ReflectiveOperationException {
    Class<?> type = engine.define(script);
    type.getField("payload").set(null, payload);
    return (Supplier<Consumer<String>>) type.getConstructor().newInstance();
  }

  @Tool(name = "run_script", risk = Risk.LOW)
  static Consumer<String> runScript(Supplier<Consumer<String>> script) {
    return script.get();
  }

  @Tool(name = "shared_hidden_script", risk = Risk.LOW)
  @SuppressWarnings("unchecked")
  static Supplier<Consumer<String>> sharedHiddenScript(
      PlantedApp.SharedEngine engine, byte[] script, byte[] payload, byte[] hidden)
      throws ReflectiveOperationException {
    // Payload is defined in the script's package of the same engine, by the hidden class.
    engine.define(script).getField("payload").set(null, payload);
    Class<?> type = engine.define(classFile(PACKAGE + "HiddenScript.class"));
    type.getField("hidden").set(null, hidden);
    return (Supplier<Consumer<String>>) type.getConstructor().newInstance();
  }

  public static void main(String[] args) throws Exception {
    Path outside = Path.of(args[0]).toAbsolutePath();
    byte[] script = classFile(PACKAGE + "Script.class");
    byte[] payload = classFile(PACKAGE + "Payload.class");
    byte[] hidden = classFile(PACKAGE + "Hidden.class");
    attempt(
        "defined-by-born-lookup",
        outside,
        sharedScript(new PlantedApp.SharedEngine(), script, payload));
    attempt(
        "defined-by-born-hidden-lookup",
        outside,
        sharedHiddenScript(new PlantedApp.SharedEngine(), script, payload, hidden));
  }

  private static void attempt(String name, Path outside, Supplier<Consumer<String>> born) {
    String outcome;
    try {
      Consumer<String> defined = runScript(born);
      defined.accept(outside.resolve(name).toString());
      outcome = "harm";
    } catch (SecurityException denied) {
      outcome = "denied";
    } catch (RuntimeException failed) {
      outcome = "failed " + failed;
    }
    System.out.println("LOOKUP " + name + " " + outcome);
  }

  private static byte[] classFile(String resource) {
    try (InputStream in = BornLookupApp.class.getClassLoader().getResourceAsStream(resource)) {
      return in.readAllBytes();
    } catch (IOException unreadable) {
      throw new java.io.UncheckedIOException(unreadable);
    }
  }
}
