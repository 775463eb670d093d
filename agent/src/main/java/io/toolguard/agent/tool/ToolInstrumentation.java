package io.toolguard.agent.tool;

import static io.toolguard.agent.weave.Provenance.Purpose.NOT_WOVEN;
import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.guard.ToolCallGuard;
import io.toolguard.agent.guard.ToolMethod;
import io.toolguard.agent.guard.ToolRegistry;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.weave.Provenance;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves {@link ToolAdvice} into every tool method (see {@link ToolAnnotations}) of the classes
 * loaded from now on and of those loaded already, and registers the agent's decisions with the
 * bootstrap dispatcher.
 *
 * <p>A class is only handed to Byte Buddy when {@link ToolClassFilter} says it may declare tools;
 * Byte Buddy's type descriptions are not even loaded until the first such class is.
 */
public final class ToolInstrumentation implements ClassFileTransformer {

  private static final ElementMatcher.Junction<MethodDescription> WEAVABLE =
      not(isAbstract())
          .and(not(isNative()))
          .and(not(isBridge()))
          .and(not(isConstructor()))
          .and(not(isTypeInitializer()));

  private final ToolRegistry registry;
  private final ToolAnnotations annotations;
  private final ToolClassFilter filter;

  private ToolInstrumentation(ToolRegistry registry, List<String> listedAnnotations) {
    this.registry = registry;
    this.annotations = new ToolAnnotations(listedAnnotations);
    this.filter = new ToolClassFilter(annotations, listedAnnotations);
  }

  /**
   * {@return the guard that decides tool calls under the policy in force, asking {@code approver}
   * where a person must decide, and writing decisions to {@code audit}}
   *
   * @param realPath where a path in an argument really leads, for conditions on paths
   */
  public static ToolCallGuard guard(
      ActivePolicy active,
      AuditLog audit,
      Approver approver,
      java.util.function.UnaryOperator<java.nio.file.Path> realPath) {
    return new ToolCallGuard(active, new ToolRegistry(), audit, approver, realPath);
  }

  /**
   * Weaves the tool methods of classes loaded from now on, and, when the agent is attached to a
   * running JVM, of those loaded already; their calls go to {@code guard}.
   *
   * <p>At JVM start there is usually nothing to retransform, so the transformer is registered as
   * one that cannot retransform: the JVM then keeps its output when another agent retransforms a
   * tool class, and every class load costs less (about 12 ms of start-up in all). Attached, it must
   * retransform; and so it must at a start from an AOT cache or CDS archive that holds the
   * application's classes (JDK 24 and later): the JVM loads them before {@code premain}, without
   * asking any transformer, and their tool methods would run unchecked.
   *
   * @param listedAnnotations further tool annotations, by name, from the policy
   */
  public static void install(
      Instrumentation instrumentation,
      ToolCallGuard guard,
      List<String> listedAnnotations,
      boolean attached) {
    ToolInstrumentation transformer = new ToolInstrumentation(guard.registry(), listedAnnotations);
    boolean loadedBefore = attached || applicationClassesLoaded(instrumentation);
    instrumentation.addTransformer(transformer, loadedBefore);
    if (loadedBefore) {
      transformer.retransformLoaded(instrumentation);
    }
  }

  /**
   * {@return whether a class of an application's loader (not toolguard's own) is loaded already}:
   * at a normal start only toolguard's classes are; from an AOT cache, the application's may be.
   */
  private static boolean applicationClassesLoaded(Instrumentation instrumentation) {
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      ClassLoader loader = type.getClassLoader();
      if (loader != null
          && loader != platform
          && !type.isArray()
          && !type.isHidden()
          && !Provenance.matchesInternalName(NOT_WOVEN, type.getName().replace('.', '/'))) {
        return true;
      }
    }
    return false;
  }

  private void retransformLoaded(Instrumentation instrumentation) {
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      ClassLoader loader = type.getClassLoader();
      String internalName = type.getName().replace('.', '/');
      if (loader != null
          && !type.isArray()
          && !type.isHidden()
          && !Provenance.matchesInternalName(NOT_WOVEN, internalName)
          && instrumentation.isModifiableClass(type)) {
        byte[] classFile = ToolClassFilter.classFile(loader, internalName);
        // A class with no class file to read (a generated one) is looked at when retransformed.
        if (classFile == null || filter.mayDeclareTools(loader, internalName, classFile)) {
          candidates.add(type);
        }
      }
    }
    try {
      instrumentation.retransformClasses(candidates.toArray(Class<?>[]::new));
    } catch (UnmodifiableClassException | RuntimeException | LinkageError batchFailed) {
      for (Class<?> type : candidates) {
        try {
          instrumentation.retransformClasses(type);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError failure) {
          System.err.println(
              "toolguard: ERROR: could not instrument the loaded class "
                  + type.getName()
                  + "; its tool methods run unchecked: "
                  + failure);
        }
      }
    }
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] classFile) {
    if (internalName == null || Provenance.matchesInternalName(NOT_WOVEN, internalName)) {
      return null;
    }
    try {
      return filter.mayDeclareTools(loader, internalName, classFile)
          ? weave(loader, internalName.replace('/', '.'), classFile)
          : null;
    } catch (RuntimeException | LinkageError failure) {
      System.err.println(
          "toolguard: ERROR: could not instrument class "
              + internalName.replace('/', '.')
              + "; its tool methods run unchecked: "
              + failure);
      return null;
    }
  }

  private byte[] weave(ClassLoader loader, String name, byte[] classFile) {
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, classFile),
            loader == null
                ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool =
        new TypePool.Default(
            new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.EXTENDED);
    TypeDescription type = pool.describe(name).resolve();
    Map<MethodDescription.InDefinedShape, ToolMethod> tools =
        annotations.toolsOf(type, type.getDeclaredMethods().filter(WEAVABLE));
    if (tools.isEmpty()) {
      return null;
    }
    DynamicType.Builder<?> builder =
        new ByteBuddy().with(TypeValidation.DISABLED).decorate(type, locator);
    for (Map.Entry<MethodDescription.InDefinedShape, ToolMethod> tool : tools.entrySet()) {
      builder =
          builder.visit(
              Advice.withCustomMapping()
                  .bind(ToolId.class, registry.register(tool.getValue()))
                  .to(ToolAdvice.class)
                  .on(
                      named(tool.getKey().getInternalName())
                          .and(hasDescriptor(tool.getKey().getDescriptor()))));
    }
    return builder.make(pool).getBytes();
  }
}
