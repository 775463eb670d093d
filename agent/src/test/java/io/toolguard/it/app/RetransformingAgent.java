package io.toolguard.it.app;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Another agent, as a profiler or a tracing agent is: it registers a transformer that can
 * retransform (and changes nothing), and retransforms or redefines classes when the application
 * asks ({@link RetransformedApp}). Its methods are public, as a library that hands its {@code
 * Instrumentation} out to any code (the OpenTelemetry agent's {@code InstrumentationHolder}) is.
 */
public final class RetransformingAgent {

  private static volatile Instrumentation instrumentation;

  private RetransformingAgent() {}

  /** A transformer that can retransform and changes nothing, as a profiler's may. */
  private static final class Unchanging implements ClassFileTransformer {
    @Override
    public byte[] transform(
        ClassLoader loader,
        String name,
        Class<?> redefined,
        ProtectionDomain domain,
        byte[] classFile) {
      return null;
    }
  }

  public static void premain(String options, Instrumentation given) {
    given.addTransformer(new Unchanging(), true);
    instrumentation = given;
  }

  /** Adds a transformer that changes nothing, as code handed this agent's instrumentation may. */
  public static void addTransformer() {
    loaded().addTransformer(new Unchanging(), true);
  }

  /** Retransforms these classes: the JVM runs every retransforming agent's transformers again. */
  public static void retransform(Class<?>... types) throws Exception {
    loaded().retransformClasses(types);
  }

  /** Redefines {@code type} from {@code classFile}. */
  public static void redefine(Class<?> type, byte[] classFile) throws Exception {
    loaded().redefineClasses(new ClassDefinition(type, classFile));
  }

  private static Instrumentation loaded() {
    if (instrumentation == null) {
      throw new IllegalStateException("run with -javaagent: on a jar whose Premain-Class is this");
    }
    return instrumentation;
  }
}
