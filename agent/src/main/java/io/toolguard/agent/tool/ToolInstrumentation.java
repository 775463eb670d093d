package io.toolguard.agent.tool;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves {@link ToolAdvice} into every tool method (see {@link ToolAnnotations}) of the classes
 * loaded from now on and of those loaded already, and registers the agent's decisions with the
 * bootstrap dispatcher.
 *
 * <p>A class is only handed to Byte Buddy when its bytes name a type ending like a tool
 * annotation ({@code Tool;}), or when one of its super classes or interfaces, read from its class
 * loader, does so; every other class costs a scan of its bytes and, where a tool annotation is
 * visible at all, a look at its header. Byte Buddy's type descriptions are not even loaded until the
 * first tool class is.
 */
public final class ToolInstrumentation implements ClassFileTransformer {

  private static final List<String> AGENT_PACKAGES =
      List.of("io/toolguard/agent/", "io/toolguard/bootstrap/", "io/toolguard/shaded/");
  private static final List<String> JDK_PACKAGES = List.of("java/", "javax/", "jdk/", "sun/", "com/sun/");

  /** What {@link #toolTypes} holds for a loader that cannot see any tool annotation. */
  private static final Map<String, Boolean> NO_TOOLS = Map.of();
  private static final ElementMatcher.Junction<MethodDescription> WEAVABLE =
      not(isAbstract()).and(not(isNative())).and(not(isBridge())).and(not(isConstructor())).and(not(isTypeInitializer()));

  private final ToolRegistry registry;
  private final ToolAnnotations annotations;
  private final List<String> annotationResources;
  /** Per class loader: whether a class (internal name) declares or inherits tool methods, as far as seen. */
  private final Map<ClassLoader, Map<String, Boolean>> toolTypes = Collections.synchronizedMap(new WeakHashMap<>());

  private ToolInstrumentation(ToolRegistry registry, List<String> listedAnnotations) {
    this.registry = registry;
    this.annotations = new ToolAnnotations(listedAnnotations);
    this.annotationResources = Stream.of(List.of(ToolAnnotations.OURS), ToolAnnotations.FRAMEWORKS, listedAnnotations)
        .flatMap(List::stream).map(name -> name.replace('.', '/') + ".class").toList();
  }

  /**
   * {@return the guard that decides tool calls under the policy in force, asking {@code approver}
   * where a person must decide, and writing decisions to {@code audit}}
   */
  public static ToolCallGuard guard(ActivePolicy active, AuditLog audit, Approver approver) {
    return new ToolCallGuard(active, new ToolRegistry(), audit, approver);
  }

  /**
   * Weaves the tool methods of classes loaded from now on, and of those loaded already (when the
   * agent is attached to a running JVM); their calls go to {@code guard}.
   *
   * @param listedAnnotations further tool annotations, by name, from the policy
   */
  public static void install(Instrumentation instrumentation, ToolCallGuard guard, List<String> listedAnnotations) {
    ToolInstrumentation transformer = new ToolInstrumentation(guard.registry(), listedAnnotations);
    instrumentation.addTransformer(transformer, true);
    transformer.retransformLoaded(instrumentation);
  }

  private void retransformLoaded(Instrumentation instrumentation) {
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      ClassLoader loader = type.getClassLoader();
      String internalName = type.getName().replace('.', '/');
      if (loader != null && !type.isArray() && !type.isHidden() && !isAgentClass(internalName)
          && instrumentation.isModifiableClass(type)) {
        byte[] classFile = classFile(loader, internalName);
        // A class with no class file to read (a generated one) is looked at when retransformed.
        if (classFile == null || mayDeclareTools(loader, internalName, classFile)) {
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
          System.err.println("toolguard: ERROR: could not instrument the loaded class " + type.getName()
              + "; its tool methods run unchecked: " + failure);
        }
      }
    }
  }

  @Override
  public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
      byte[] classFile) {
    if (internalName == null || isAgentClass(internalName)) {
      return null;
    }
    try {
      return mayDeclareTools(loader, internalName, classFile)
          ? weave(loader, internalName.replace('/', '.'), classFile) : null;
    } catch (RuntimeException | LinkageError failure) {
      System.err.println("toolguard: ERROR: could not instrument class " + internalName.replace('/', '.')
          + "; its tool methods run unchecked: " + failure);
      return null;
    }
  }

  /** {@return whether the class (internal name, as {@code io/toolguard/agent/Startup}) is toolguard's own} */
  public static boolean isAgentClass(String internalName) {
    return AGENT_PACKAGES.stream().anyMatch(internalName::startsWith);
  }

  /**
   * {@return whether a class may declare tool methods: its bytes name a tool annotation, or a super
   * class or interface's do}; remembered for the classes that extend it
   */
  private boolean mayDeclareTools(ClassLoader loader, String internalName, byte[] classFile) {
    if (annotations.mayBeNamedIn(classFile)) {
      return true;
    }
    Map<String, Boolean> known = loader == null ? null : knownTypes(loader);
    if (known == null) {
      return false;
    }
    boolean inherits = inheritsTools(loader, known, classFile, 0);
    known.put(internalName, inherits);
    return inherits;
  }

  /** {@return what is known about the classes of a loader that can see a tool annotation; {@code null} if it cannot} */
  private Map<String, Boolean> knownTypes(ClassLoader loader) {
    Map<String, Boolean> known = toolTypes.get(loader);
    if (known == null) {
      known = annotationResources.stream().anyMatch(resource -> loader.getResource(resource) != null)
          ? new ConcurrentHashMap<>() : NO_TOOLS;
      toolTypes.put(loader, known);
    }
    return known == NO_TOOLS ? null : known;
  }

  private boolean inheritsTools(ClassLoader loader, Map<String, Boolean> known, byte[] classFile, int depth) {
    ClassReader header;
    try {
      header = new ClassReader(classFile);
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException unreadable) {
      return false;
    }
    List<String> supertypes = new ArrayList<>(List.of(header.getInterfaces()));
    if (header.getSuperName() != null) {
      supertypes.add(header.getSuperName());
    }
    for (String supertype : supertypes) {
      if (JDK_PACKAGES.stream().noneMatch(supertype::startsWith)) {
        Boolean tools = known.get(supertype);
        if (tools == null) {
          byte[] superFile = classFile(loader, supertype);
          tools = superFile != null && (annotations.mayBeNamedIn(superFile)
              || depth < 64 && inheritsTools(loader, known, superFile, depth + 1));
          known.put(supertype, tools);
        }
        if (tools) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@return the class file the loader has for the class, or {@code null} if it has none (as for generated classes)} */
  private static byte[] classFile(ClassLoader loader, String internalName) {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException unreadable) {
      return null;
    }
  }

  private byte[] weave(ClassLoader loader, String name, byte[] classFile) {
    ClassFileLocator locator = new ClassFileLocator.Compound(
        ClassFileLocator.Simple.of(name, classFile),
        loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.EXTENDED);
    TypeDescription type = pool.describe(name).resolve();
    Map<MethodDescription.InDefinedShape, ToolMethod> tools = annotations.toolsOf(type,
        type.getDeclaredMethods().filter(WEAVABLE));
    if (tools.isEmpty()) {
      return null;
    }
    DynamicType.Builder<?> builder = new ByteBuddy().with(TypeValidation.DISABLED).decorate(type, locator);
    for (Map.Entry<MethodDescription.InDefinedShape, ToolMethod> tool : tools.entrySet()) {
      builder = builder.visit(Advice.withCustomMapping()
          .bind(ToolId.class, registry.register(tool.getValue()))
          .to(ToolAdvice.class)
          .on(named(tool.getKey().getInternalName()).and(hasDescriptor(tool.getKey().getDescriptor()))));
    }
    return builder.make(pool).getBytes();
  }
}
