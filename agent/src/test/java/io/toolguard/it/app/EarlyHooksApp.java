package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import io.toolguard.bootstrap.Dispatcher;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code EarlyHooksApp FILE}: code that runs first thing in {@code main}, outside any tool (the
 * main class's static initialiser, as a library's initialiser would), tries to install hooks of its
 * own that allow everything in toolguard's bootstrap dispatcher, and to call the agent's hooks off,
 * before toolguard's weaving thread installs them; prints {@code init: WHAT HAPPENED}. Then calls
 * the tool {@code reader}, which reads {@code FILE}, and prints {@code tool: CONTENT} or {@code
 * tool: failed: EXCEPTION}.
 */
public final class EarlyHooksApp {

  private static final String INSTALLED;

  static {
    String installed;
    try {
      installed = Intruder.intrude();
    } catch (LinkageError noToolguard) {
      installed = "no dispatcher: " + noToolguard;
    }
    INSTALLED = installed;
  }

  private EarlyHooksApp() {}

  /** What the initialiser does, in a class of its own: without toolguard it cannot be linked. */
  static final class Intruder {

    private Intruder() {}

    static String intrude() {
      try {
        Dispatcher.hooksAhead(null);
        Dispatcher.hooksAhead(Thread.currentThread());
        Dispatcher.install(new AllowAll());
        return "installed its own hooks";
      } catch (RuntimeException refused) {
        return "refused: " + refused.getMessage();
      }
    }
  }

  /** Hooks that allow everything. */
  public static final class AllowAll implements Dispatcher.Hooks {
    @Override
    public Object enterTool(int toolId, Object[] arguments, Object outerContext) {
      return "allowed";
    }

    @Override
    public Object weaveBorn(Object classFile, int number) {
      return classFile;
    }

    @Override
    public String bornDefinition(Object loader, byte[] classFile, int offset, int length) {
      return null;
    }

    @Override
    public void resourceChosen(Object context, Object url) {}

    @Override
    public Object joinContexts(Object born, Object current) {
      return current;
    }

    @Override
    public Object checkFile(Object context, Object path, int access, Object detail) {
      return path;
    }

    @Override
    public void checkExec(Object context, Object process) {}

    @Override
    public void processStarted(Object context, Object process) {}

    @Override
    public void checkConnect(Object context, Object address, Object port) {}

    @Override
    public void checkListen(Object context, Object address) {}

    @Override
    public void checkResolve(Object context, Object target) {}

    @Override
    public void checkReceive(Object context, Object channel, Object address) {}

    @Override
    public Object filterVariable(Object context, Object name) {
      return name;
    }

    @Override
    public Object filterProperty(Object context, Object name) {
      return name;
    }

    @Override
    public Object filterVariables(Object context, Object environment) {
      return environment;
    }

    @Override
    public Object filterProperties(Object context, Object properties) {
      return properties;
    }

    @Override
    public Object filterProcessEnvironment(Object context, Object environment) {
      return environment;
    }

    @Override
    public void jvmAction(Object context, Object action) {}

    @Override
    public boolean threadInheritsContext() {
      return false;
    }

    @Override
    public boolean jvmInitialising() {
      return false;
    }
  }

  /** The tool, in a class of its own. */
  public static final class Reader {

    private Reader() {}

    @Tool(name = "reader", risk = Risk.LOW)
    static String read(String file) throws Exception {
      return Files.readString(Path.of(file));
    }
  }

  public static void main(String[] args) {
    System.out.println("init: " + INSTALLED);
    try {
      System.out.println("tool: " + Reader.read(args[0]));
    } catch (Exception | Error failed) {
      System.out.println("tool: failed: " + failed);
    }
  }
}
