package io.toolguard.bootstrap;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Hooks that write down each call they get, as {@code "checkFile tool 1: [/a, 33, null]"}: a tool's
 * context is {@code "tool N"}, or {@code "tool N in <outer context>"} for a nested call. What a
 * filter or a file check answers, what every hook throws, and what a hook does while it is checking
 * can be set.
 */
public final class RecordingHooks implements Dispatcher.Hooks {

  /** Every call, in order, from any thread. */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  /** What the hooks that answer return; {@code null}: what they were given. */
  public volatile Object answer;

  /** What every hook but {@link #threadInheritsContext} throws, if set. */
  public volatile RuntimeException failure;

  /** Run inside every hook, as a check's own work would. */
  public volatile Runnable during = () -> {};

  /** Whether a thread a tool starts inherits its context. */
  public volatile BooleanSupplier inheritsContext = () -> true;

  /** Whether the JVM is initialising itself where a timer task is scheduled. */
  public volatile BooleanSupplier jvmInitialising = () -> false;

  private Object record(String method, Object context, Object... arguments) {
    calls.add(method + " " + context + ": " + Arrays.deepToString(arguments));
    during.run();
    RuntimeException thrown = failure;
    if (thrown != null) {
      throw thrown;
    }
    return answer == null ? arguments[0] : answer;
  }

  @Override
  public Object enterTool(int toolId, Object[] arguments, Object outerContext) {
    record("enterTool", outerContext, toolId, arguments);
    return "tool " + toolId + (outerContext == null ? "" : " in " + outerContext);
  }

  @Override
  public void toolReturned(Object context, Object result) {
    record("toolReturned", context, result);
  }

  @Override
  public Object checkFile(Object context, Object path, int access, Object detail) {
    return record("checkFile", context, path, access, detail);
  }

  @Override
  public void checkExec(Object context, Object process) {
    ProcessBuilder builder = (ProcessBuilder) process;
    record("checkExec", context, builder.command(), builder.directory());
  }

  @Override
  public void checkConnect(Object context, Object address, Object port) {
    record("checkConnect", context, address, port);
  }

  @Override
  public void checkListen(Object context, Object address) {
    record("checkListen", context, address);
  }

  @Override
  public void checkResolve(Object context, Object target) {
    record("checkResolve", context, target);
  }

  @Override
  public void checkReceive(Object context, Object channel, Object address) {
    record("checkReceive", context, channel, address);
  }

  @Override
  public Object filterVariable(Object context, Object name) {
    return record("filterVariable", context, name);
  }

  @Override
  public Object filterProperty(Object context, Object name) {
    return record("filterProperty", context, name);
  }

  @Override
  public Object filterVariables(Object context, Object environment) {
    return record("filterVariables", context, environment);
  }

  @Override
  public Object filterProperties(Object context, Object properties) {
    return record("filterProperties", context, properties);
  }

  @Override
  public Object filterProcessEnvironment(Object context, Object environment) {
    return record("filterProcessEnvironment", context, environment);
  }

  @Override
  public void jvmAction(Object context, Object action) {
    record("jvmAction", context, action);
  }

  @Override
  public void processStarted(Object context, Object process) {
    record("processStarted", context, process);
  }

  @Override
  public Object weaveBorn(Object classFile, int number) {
    return record("weaveBorn", null, classFile, number);
  }

  @Override
  public String bornDefinition(Object loader, byte[] classFile, int offset, int length) {
    Object said = record("bornDefinition", null, loader, offset, length);
    return said instanceof String name ? name : null;
  }

  @Override
  public void resourceChosen(Object context, Object url) {
    record("resourceChosen", context, url);
  }

  @Override
  public Object joinContexts(Object born, Object current) {
    calls.add("joinContexts " + born + " in " + current);
    RuntimeException thrown = failure;
    if (thrown != null) {
      throw thrown;
    }
    return born + " in " + current;
  }

  @Override
  public boolean threadInheritsContext() {
    calls.add("threadInheritsContext");
    return inheritsContext.getAsBoolean();
  }

  @Override
  public boolean jvmInitialising() {
    calls.add("jvmInitialising");
    return jvmInitialising.getAsBoolean();
  }
}
