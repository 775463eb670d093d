package io.toolguard.it.app;

import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * Another agent, listed after toolguard, that puts a jar on the application class loader's search
 * path as it starts ({@code -javaagent:its.jar=/path/of/the.jar}): as an agent that brings its own
 * copy of a library, or the tool annotations, might.
 */
public final class ClassPathAppendingAgent {

  private ClassPathAppendingAgent() {}

  public static void premain(String jar, Instrumentation instrumentation) throws Exception {
    instrumentation.appendToSystemClassLoaderSearch(new JarFile(jar));
  }
}
