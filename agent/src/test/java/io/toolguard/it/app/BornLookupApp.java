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
 * defined-by-born-lookup harm|denied|…}; then {@code LOOKUP script-itself harm|denied|…} for the
 * script's own code, run the same way.
 */
public final class BornLookupApp {

  private static final String PACKAGE = "io/toolguard/it/app/lookup/";

  private BornLookupApp() {}

  /** An engine the application shares: defines whatever class file it is handed. */
  public static final class Engine extends ClassLoader {
    Engine() {
      super("shared engine", ClassLoader.getPlatformClassLoader());
    }

    Class<?> define(byte[] classFile) {
      return defineClass(null, classFile, 0, classFile.length);
    }
  }

  @Tool(name = "shared_script", risk = Risk.LOW)
  @SuppressWarnings("unchecked")
  static Supplier<Consumer<String>> sharedScript(Engine engine, byte[] script, byte[] payload)
      throws ReflectiveOperationException {
    Class<?> type = engine.define(script);
    type.getField("payload").set(null, payload);
    return (Supplier<Consumer<String>>) type.getConstructor().newInstance();
  }

  @Tool(name = "run_script", risk = Risk.LOW)
  static Consumer<String> runScript(Supplier<Consumer<String>> script) {
    return script.get();
  }

  public static void main(String[] args) throws Exception {
    Path outside = Path.of(args[0]).toAbsolutePath();
    byte[] script = classFile(PACKAGE + "Script.class");
    byte[] payload = classFile(PACKAGE + "Payload.class");
    Supplier<Consumer<String>> born = sharedScript(new Engine(), script, payload);
    String outcome;
    try {
      Consumer<String> defined = runScript(born);
      defined.accept(outside.resolve("defined-by-born-lookup").toString());
      outcome = "harm";
    } catch (SecurityException denied) {
      outcome = "denied";
    } catch (RuntimeException failed) {
      outcome = "failed " + failed;
    }
    System.out.println("LOOKUP defined-by-born-lookup " + outcome);
  }

  private static byte[] classFile(String resource) throws IOException {
    try (InputStream in = BornLookupApp.class.getClassLoader().getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}
