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
 * class files: {@code RetransformedApp OUTSIDE PLUGINS}, run with {@link RetransformingAgent} as a
 * second agent. In each phase (before, retransformed, redefined) a tool, a plug-in's tool (a class
 * of a plug-in loader over {@code PLUGINS} that inherits the tool from its interface; the loader is
 * closed before the retransformation, so the interface's class file can no longer be read) and two
 * born scripts (one defined by a loader the tool created, one by a loader the application shares,
 * in the tool) each try to write {@code OUTSIDE/name-phase}; the application prints {@code
 * RETRANSFORMED name-phase harm|denied|…}. The tool's own work inside its grants prints {@code
 * LEGIT name-phase ok|…}. First a tool uses the other agent's instrumentation, which that agent
 * hands to any code: {@code INSTRUMENT add-transformer|retransform|redefine done|denied|…}.
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

    /**
     * Uses the instrumentation another agent hands out: adds a transformer, retransforms or
     * redefines this class.
     */
    @Tool(name = "instrument", risk = Risk.LOW)
    public static void instrument(String what, byte[] toolsFile) throws Exception {
      switch (what) {
        case "add-transformer" -> RetransformingAgent.addTransformer();
        case "retransform" -> RetransformingAgent.retransform(Tools.class);
        case "redefine" -> RetransformingAgent.redefine(Tools.class, toolsFile);
        default -> throw new IllegalArgumentException(what);
      }
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
      this(ClassLoader.getPlatformClassLoader());
    }

    Engine(ClassLoader parent) {
      super("engine", parent);
    }

    Class<?> define(byte[] classFile) {
      return defineClass(null, classFile, 0, classFile.length);
    }
  }

  /**
   * A plug-in loader: defines the plug-in's classes, and serves their class files, itself (child
   * first); the rest its parent does.
   */
  static final class PluginLoader extends java.net.URLClassLoader {
    PluginLoader(Path plugins) throws java.net.MalformedURLException {
      super("plugins", new java.net.URL[] {plugins.toUri().toURL()}, Engine.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(PLUGIN)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> known = findLoadedClass(name);
        return known != null ? known : findClass(name);
      }
    }

    @Override
    public java.net.URL getResource(String name) {
      return name.startsWith(PLUGIN.replace('.', '/'))
          ? findResource(name)
          : super.getResource(name);
    }
  }

  private static final String PLUGIN = "io.toolguard.it.app.retransformed.Plugin";

  public static void main(String[] args) throws Exception {
    Path outside = Path.of(args[0]).toAbsolutePath();
    byte[] script = classFile(SCRIPT);
    byte[] tools = classFile(Tools.class.getName().replace('.', '/') + ".class");
    Consumer<String> loaderBorn = Tools.loadScript(script);
    Consumer<String> classBorn = Tools.sharedScript(new Engine(), script);
    PluginLoader plugins = new PluginLoader(Path.of(args[1]));
    Class<?> pluginType = plugins.loadClass(PLUGIN + "Impl");
    Object plugin = pluginType.getConstructor().newInstance();
    java.lang.reflect.Method pluginWrite = pluginType.getMethod("write", String.class);
    byte[] pluginFile =
        Files.readAllBytes(Path.of(args[1], PLUGIN.replace('.', '/') + "Impl.class"));
    Attempt[] pluginWrites = new Attempt[3];
    for (int i = 0; i < PHASES.length; i++) {
      String target = at(outside, "plugin-tool-" + PHASES[i]);
      pluginWrites[i] = () -> invoke(pluginWrite, plugin, target);
    }

    // A tool class defined without a name, by a loader that sees the application's classes.
    java.lang.reflect.Method nameless =
        new Engine(RetransformedApp.class.getClassLoader())
            .define(classFile("io/toolguard/it/app/retransformed/Nameless.class"))
            .getMethod("write", String.class);
    attempt(
        "RETRANSFORMED nameless-tool", () -> invoke(nameless, null, at(outside, "nameless-tool")));
    for (String what : new String[] {"add-transformer", "retransform", "redefine"}) {
      attempt("INSTRUMENT " + what, () -> Tools.instrument(what, tools));
    }
    attempts(0, outside, loaderBorn, classBorn, pluginWrites);
    // The plug-in's loader closed: its interface's class file can no longer be read through it.
    plugins.close();
    RetransformingAgent.retransform(
        Tools.class, loaderBorn.getClass(), classBorn.getClass(), pluginType);
    attempts(1, outside, loaderBorn, classBorn, pluginWrites);
    RetransformingAgent.redefine(Tools.class, tools);
    RetransformingAgent.redefine(loaderBorn.getClass(), script);
    RetransformingAgent.redefine(classBorn.getClass(), script);
    RetransformingAgent.redefine(pluginType, pluginFile);
    attempts(2, outside, loaderBorn, classBorn, pluginWrites);
  }

  private static final String[] PHASES = {"before", "retransformed", "redefined"};

  private static void invoke(java.lang.reflect.Method method, Object target, String argument)
      throws Exception {
    try {
      method.invoke(target, argument);
    } catch (java.lang.reflect.InvocationTargetException thrown) {
      if (thrown.getCause() instanceof Exception failure) {
        throw failure;
      }
      throw thrown;
    }
  }

  private static void attempts(
      int index,
      Path outside,
      Consumer<String> loaderBorn,
      Consumer<String> classBorn,
      Attempt[] pluginWrites) {
    String phase = PHASES[index];
    attempt("RETRANSFORMED tool-" + phase, () -> Tools.writeNote(at(outside, "tool-" + phase)));
    attempt("RETRANSFORMED plugin-tool-" + phase, pluginWrites[index]);
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
      outcome = name.startsWith("LEGIT") ? "ok" : name.startsWith("INSTRUMENT") ? "done" : "harm";
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
