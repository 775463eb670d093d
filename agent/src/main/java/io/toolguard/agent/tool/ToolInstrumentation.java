package io.toolguard.agent.tool;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.bootstrap.Dispatcher;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves {@link ToolAdvice} into every method annotated {@code @io.toolguard.api.Tool} in classes
 * loaded from now on, and registers the agent's decisions with the bootstrap dispatcher.
 */
public final class ToolInstrumentation implements AgentBuilder.Transformer {

  /** Matched by name, so the agent never loads the application's copy of the API. */
  static final String TOOL_ANNOTATION = "io.toolguard.api.Tool";

  private static final ElementMatcher.Junction<MethodDescription> GUARDED =
      isAnnotatedWith(named(TOOL_ANNOTATION)).and(not(isAbstract())).and(not(isNative())).and(not(isBridge()));

  private final ToolRegistry registry;

  private ToolInstrumentation(ToolRegistry registry) {
    this.registry = registry;
  }

  /** Starts guarding tool methods under {@code policy}, writing decisions to {@code audit}. */
  public static void install(Instrumentation instrumentation, Policy policy, Mode mode, AuditLog audit) {
    ToolRegistry registry = new ToolRegistry();
    Dispatcher.install(new ToolCallGuard(policy, mode, registry, audit));
    agentBuilder()
        .disableClassFormatChanges()
        .with(AgentBuilder.PoolStrategy.Default.EXTENDED)
        .with(new FailureReport())
        .ignore(nameStartsWith("java.")
            .or(nameStartsWith("jdk."))
            .or(nameStartsWith("sun."))
            .or(nameStartsWith("com.sun."))
            .or(nameStartsWith("net.bytebuddy."))
            .or(nameStartsWith("io.toolguard.agent."))
            .or(nameStartsWith("io.toolguard.bootstrap."))
            .or(nameStartsWith("io.toolguard.shaded.")))
        .type(declaresMethod(GUARDED))
        .transform(new ToolInstrumentation(registry))
        .installOn(instrumentation);
  }

  /**
   * Byte Buddy's default builder eagerly prepares its Nexus, which touches {@code sun.misc.Unsafe}
   * and makes JDK 24+ print warnings; the agent never needs it. The property name is the shaded
   * Byte Buddy's own, so the application's Byte Buddy is unaffected.
   */
  private static AgentBuilder agentBuilder() {
    String previous = System.setProperty(Nexus.PROPERTY, "true");
    try {
      return new AgentBuilder.Default();
    } finally {
      if (previous == null) {
        System.clearProperty(Nexus.PROPERTY);
      } else {
        System.setProperty(Nexus.PROPERTY, previous);
      }
    }
  }

  @Override
  public DynamicType.Builder<?> transform(
      DynamicType.Builder<?> builder,
      TypeDescription type,
      ClassLoader classLoader,
      JavaModule module,
      ProtectionDomain protectionDomain) {
    for (MethodDescription.InDefinedShape method : type.getDeclaredMethods().filter(GUARDED)) {
      int id = registry.register(describe(type, method));
      builder = builder.visit(Advice.withCustomMapping()
          .bind(ToolId.class, id)
          .to(ToolAdvice.class)
          .on(named(method.getInternalName()).and(hasDescriptor(method.getDescriptor()))));
    }
    return builder;
  }

  static ToolMethod describe(TypeDescription type, MethodDescription.InDefinedShape method) {
    AnnotationDescription tool = method.getDeclaredAnnotations().stream()
        .filter(annotation -> annotation.getAnnotationType().getName().equals(TOOL_ANNOTATION))
        .findFirst()
        .orElseThrow();
    String name = tool.getValue("name").resolve(String.class);
    String riskName = tool.getValue("risk").resolve(EnumerationDescription.class).getValue();
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

  /** A tool class that cannot be woven runs unguarded, so say so loudly. */
  private static final class FailureReport extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable error) {
      System.err.println("toolguard: ERROR: could not check or instrument class " + typeName
          + "; any tool methods it declares run unchecked: " + error);
    }
  }
}
