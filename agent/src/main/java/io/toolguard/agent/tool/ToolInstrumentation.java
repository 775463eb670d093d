package io.toolguard.agent.tool;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.Risk;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves {@link ToolAdvice} into every method annotated as a tool in classes loaded from now on —
 * toolguard's own {@code @Tool}, and LangChain4j's, Spring AI's and the MCP annotations' by name,
 * so that an application guards its framework tools without a recompile — and registers the
 * agent's decisions with the bootstrap dispatcher.
 *
 * <p>A class is only handed to Byte Buddy when its bytes name a type ending in {@code Tool}, which
 * a class with a tool method always does; every other class costs one scan of its bytes, and Byte
 * Buddy is not even loaded until the first tool class is.
 */
public final class ToolInstrumentation implements ClassFileTransformer {

  /** Matched by name, so the agent never loads the application's copy of the API. */
  static final String TOOL_ANNOTATION = "io.toolguard.api.Tool";
  /**
   * The frameworks' tool annotations, by name. They carry no risk: such a tool is unclassified
   * (HIGH) unless the policy sets its risk. None of these packages is relocated in the agent jar.
   */
  static final List<String> FRAMEWORK_ANNOTATIONS = List.of(
      "dev.langchain4j.agent.tool.Tool",
      "org.springframework.ai.tool.annotation.Tool",
      "org.springframework.ai.mcp.annotation.McpTool",
      "org.springaicommunity.mcp.annotation.McpTool");

  /** Every annotation above names a type whose descriptor ends so. */
  private static final byte[] TOOL_DESCRIPTOR_END = "Tool;".getBytes(StandardCharsets.UTF_8);
  private static final List<String> AGENT_PACKAGES =
      List.of("io/toolguard/agent/", "io/toolguard/bootstrap/", "io/toolguard/shaded/");

  private static final ElementMatcher.Junction<MethodDescription> GUARDED =
      isAnnotatedWith(named(TOOL_ANNOTATION).or(namedOneOf(FRAMEWORK_ANNOTATIONS.toArray(String[]::new))))
          .and(not(isAbstract())).and(not(isNative())).and(not(isBridge()));

  private final ToolRegistry registry;

  private ToolInstrumentation(ToolRegistry registry) {
    this.registry = registry;
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
   */
  public static void install(Instrumentation instrumentation, ToolCallGuard guard) {
    ToolInstrumentation transformer = new ToolInstrumentation(guard.registry());
    instrumentation.addTransformer(transformer, true);
    transformer.retransformLoaded(instrumentation);
  }

  private void retransformLoaded(Instrumentation instrumentation) {
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      ClassLoader loader = type.getClassLoader();
      String internalName = type.getName().replace('.', '/');
      if (loader != null && !type.isArray() && !type.isHidden() && !isAgentClass(internalName)
          && instrumentation.isModifiableClass(type) && mayDeclareTools(classFile(loader, internalName))) {
        candidates.add(type);
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

  /** {@return the class file the loader has for the class, or {@code null} if it has none (as for generated classes)} */
  private static byte[] classFile(ClassLoader loader, String internalName) {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException unreadable) {
      return null;
    }
  }

  /** {@return whether a class file (or a class whose file is unknown, {@code null}) may declare tool methods} */
  private static boolean mayDeclareTools(byte[] classFile) {
    return classFile == null || contains(classFile, TOOL_DESCRIPTOR_END);
  }

  @Override
  public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
      byte[] classFile) {
    if (internalName == null || !mayDeclareTools(classFile) || isAgentClass(internalName)) {
      return null;
    }
    try {
      return weave(loader, internalName.replace('/', '.'), classFile);
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

  private byte[] weave(ClassLoader loader, String name, byte[] classFile) {
    ClassFileLocator locator = new ClassFileLocator.Compound(
        ClassFileLocator.Simple.of(name, classFile),
        loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.EXTENDED);
    TypeDescription type = pool.describe(name).resolve();
    MethodList<MethodDescription.InDefinedShape> tools = type.getDeclaredMethods().filter(GUARDED);
    if (tools.isEmpty()) {
      return null;
    }
    DynamicType.Builder<?> builder = new ByteBuddy().with(TypeValidation.DISABLED).decorate(type, locator);
    for (MethodDescription.InDefinedShape method : tools) {
      int id = registry.register(describe(type, method));
      builder = builder.visit(Advice.withCustomMapping()
          .bind(ToolId.class, id)
          .to(ToolAdvice.class)
          .on(named(method.getInternalName()).and(hasDescriptor(method.getDescriptor()))));
    }
    return builder.make(pool).getBytes();
  }

  static ToolMethod describe(TypeDescription type, MethodDescription.InDefinedShape method) {
    AnnotationDescription tool = method.getDeclaredAnnotations().stream()
        .filter(annotation -> annotation.getAnnotationType().getName().equals(TOOL_ANNOTATION)
            || FRAMEWORK_ANNOTATIONS.contains(annotation.getAnnotationType().getName()))
        .findFirst()
        .orElseThrow();
    boolean ours = tool.getAnnotationType().getName().equals(TOOL_ANNOTATION);
    String name = tool.getAnnotationType().getDeclaredMethods().filter(named("name")).isEmpty() ? ""
        : tool.getValue("name").resolve(String.class);
    // A framework's annotation says nothing about risk: the tool is unclassified, so HIGH.
    String riskName = ours ? tool.getValue("risk").resolve(EnumerationDescription.class).getValue() : "HIGH";
    List<String> parameters = new ArrayList<>();
    for (ParameterDescription.InDefinedShape parameter : method.getParameters()) {
      parameters.add(parameter.getName());
    }
    return new ToolMethod(
        name.isEmpty() ? method.getName() : name,
        // A risk this agent does not know comes from a newer API: treat it as the most dangerous.
        Risk.named(riskName).orElse(Risk.CRITICAL),
        type.getName() + "#" + method.getName(),
        parameters);
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
      if (haystack[i] == first && matchesAt(haystack, i, needle)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesAt(byte[] haystack, int offset, byte[] needle) {
    for (int j = 1; j < needle.length; j++) {
      if (haystack[offset + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }
}
