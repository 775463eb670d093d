package io.toolguard.it.app;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Another agent, given before toolguard, that hands the JVM (and the agents after it) a class file
 * no one can read for {@code java.net.ServerSocket}, a class toolguard weaves and a hello world
 * never loads, or for the class its options name (internal name): toolguard then cannot weave it at
 * start-up.
 */
public final class ClassBreakingAgent {

  private ClassBreakingAgent() {}

  public static void premain(String options, Instrumentation instrumentation) {
    String broken = options == null || options.isEmpty() ? "java/net/ServerSocket" : options;
    instrumentation.addTransformer(
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              ClassLoader loader,
              String name,
              Class<?> redefined,
              ProtectionDomain domain,
              byte[] classFile) {
            return broken.equals(name) ? new byte[] {1, 2, 3, 4} : null;
          }
        });
  }
}
