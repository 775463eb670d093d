package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Tool classes and code born in tools that another agent retransforms, then redefines from their
 * class files: {@code RetransformedApp OUTSIDE}, run with {@link RetransformingAgent} as a second
 * agent. In each phase (before, retransformed, redefined) a tool and two born scripts (one defined
 * by a loader the tool created, one by a loader the application shares, in the tool) each try to
 * write {@code OUTSIDE/name-phase}; the application prints {@code RETRANSFORMED name-phase
 * harm|denied|…}. The tool's own work inside its grants prints {@code LEGIT name-phase ok|…}.
 */
public final class RetransformedApp {

  private static final String SCRIPT = "io/toolguard/it/app/retransformed/Script.class";

  private RetransformedApp() {}

  /** The tools, in a class of their own, which the other agent retransforms and redefines. */
  public static final class Tools {
    private Tools() {}

    @Tool(name = "write_note", risk = Risk.LOW)
    public static void writeNote(String target) throws IOException {
      Files.writeString(Path.of(target), "a note");
    }

    /** Plays a script engine: a loader of its own defines the script. */
    @Tool(name = "load_script", risk = Risk.LOW)
    @SuppressWarnings("unchecked")
    public static Consumer<String> loadScript(byte[] classFile) throws Exception {
      return (Consumer<String>) new Engine().define(classFile).getConstructor().newInstance();
    }

    /** Has the application's shared engine define the script. */
    @Tool(name = "shared_script", risk = Risk.LOW)
    @SuppressWarnings("unchecked")
    public static Consumer<String> sharedScript(Engine engine, byte[] classFile) throws Exception {
      return (Consumer<String>) engine.define(classFile).getConstructor().newInstance();
    }
  }

  /** A class loader that defines whatever class file it is handed. */
  public static final class Engine extends ClassLoader {
    Engine() {
      super("engine", ClassLoader.getPlatformClassLoader());
    }

    Class<?> define(byte[] classFile) {
      return defineClass(null, classFile, 0, classFile.length);
    }
  }

  public static void main(String[] args) throws Exception {
    Path outside = Path.of(args[0]).toAbsolutePath();
    byte[] script = classFile(SCRIPT);
    byte[] tools = classFile(Tools.class.getName().replace('.', '/') + ".class");
    Consumer<String> loaderBorn = Tools.loadScript(script);
    Consumer<String> classBorn = Tools.sharedScript(new Engine(), script);

    attempts("before", outside, loaderBorn, classBorn);
    RetransformingAgent.retransform(Tools.class, loaderBorn.getClass(), classBorn.getClass());
    attempts("retransformed", outside, loaderBorn, classBorn);
    RetransformingAgent.redefine(Tools.class, tools);
    RetransformingAgent.redefine(loaderBorn.getClass(), script);
    RetransformingAgent.redefine(classBorn.getClass(), script);
    attempts("redefined", outside, loaderBorn, classBorn);
  }

  private static void attempts(
      String phase, Path outside, Consumer<String> loaderBorn, Consumer<String> classBorn) {
    attempt("RETRANSFORMED tool-" + phase, () -> Tools.writeNote(at(outside, "tool-" + phase)));
    attempt(
        "RETRANSFORMED loader-born-" + phase,
        () -> loaderBorn.accept(at(outside, "loader-born-" + phase)));
    attempt(
        "RETRANSFORMED class-born-" + phase,
        () -> classBorn.accept(at(outside, "class-born-" + phase)));
    attempt(
        "LEGIT tool-in-its-box-" + phase,
        () -> Tools.writeNote(Path.of("note-" + phase).toAbsolutePath().toString()));
  }

  private static String at(Path folder, String name) {
    return folder.resolve(name).toString();
  }

  private interface Attempt {
    void run() throws Exception;
  }

  private static void attempt(String name, Attempt attempt) {
    String outcome;
    try {
      attempt.run();
      outcome = name.startsWith("LEGIT") ? "ok" : "harm";
    } catch (SecurityException denied) {
      outcome = "denied";
    } catch (Exception | Error failed) {
      outcome = "failed " + failed;
    }
    System.out.println(name + " " + outcome);
  }

  private static byte[] classFile(String resource) throws IOException {
    try (InputStream in = RetransformedApp.class.getClassLoader().getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}
