package io.toolguard.agent.tool;

import io.toolguard.agent.guard.ToolMethod;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.tool.ClassModel.AnnotationValue;
import io.toolguard.agent.tool.ClassModel.EnumValue;
import io.toolguard.agent.tool.ClassModel.MethodModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The annotations that make a method a tool, matched by name so that the agent never loads them:
 * toolguard's own, LangChain4j's, Spring AI's, the two MCP annotations, and any the policy lists.
 * Spring AI's is also found as a meta-annotation, as Spring finds it; and a method is a tool when
 * the method it overrides or implements is one, as Spring AI decides.
 */
final class ToolAnnotations {

  static final String OURS = "io.toolguard.api.Tool";
  static final String SPRING_AI = "org.springframework.ai.tool.annotation.Tool";

  /**
   * The frameworks' tool annotations. None of these packages is relocated in the agent jar, so
   * these names survive shading.
   */
  static final List<String> FRAMEWORKS =
      List.of(
          "dev.langchain4j.agent.tool.Tool",
          SPRING_AI,
          "org.springframework.ai.mcp.annotation.McpTool",
          "org.springaicommunity.mcp.annotation.McpTool");

  private final Set<String> listed;

  ToolAnnotations(List<String> listedByPolicy) {
    listed = Set.copyOf(listedByPolicy);
  }

  /**
   * {@return whether an annotation of this type (its binary name, as {@link
   * AnnotationNames#className} reads a descriptor) makes a method a tool by itself: toolguard's, a
   * framework's, or one the policy lists} An annotation may also stand for Spring AI's ({@link
   * #springToolName}).
   */
  boolean marksTools(String annotationType) {
    return annotationType.equals(OURS)
        || FRAMEWORKS.contains(annotationType)
        || listed.contains(annotationType);
  }

  /**
   * {@return which of these methods of {@code type} are tools, and which: each by its own
   * annotation, else by the method it overrides or implements}
   *
   * @param types the class files of {@code type}'s super types and of the annotations' types
   */
  List<Found> toolsOf(ClassModel type, List<MethodModel> methods, ClassModels types) {
    return toolsOf(type, methods, types, true);
  }

  /**
   * {@return whether any of these methods may be a tool}: {@link #toolsOf} for a first look at a
   * class read without its code, saying nothing of a hierarchy it cannot read (the second look
   * will)
   */
  boolean mayHaveTools(ClassModel type, List<MethodModel> methods, ClassModels types) {
    return !toolsOf(type, methods, types, false).isEmpty();
  }

  private List<Found> toolsOf(
      ClassModel type, List<MethodModel> methods, ClassModels types, boolean report) {
    List<Found> tools = new ArrayList<>();
    boolean hierarchyReadable = true;
    for (MethodModel method : methods) {
      Optional<Declaration> declared = declaration(method.annotations(), types);
      if (declared.isEmpty()
          && hierarchyReadable
          && !method.is(Opcodes.ACC_STATIC)
          && !method.is(Opcodes.ACC_PRIVATE)) {
        try {
          declared = inherited(type, method, types);
        } catch (IllegalStateException unreadable) {
          if (!report) {
            // the second look says so
            tools.add(null);
            return tools;
          }
          hierarchyReadable = false;
          System.err.println(
              "toolguard: ERROR: could not read the super classes and interfaces of "
                  + type.binaryName()
                  + "; any of its methods that implements a tool declared there runs unchecked: "
                  + unreadable.getMessage());
        }
      }
      if (declared.isPresent()) {
        Declaration tool = declared.get();
        List<String> parameterNames = new ArrayList<>();
        for (int i = 0; i < method.parameterNames().size(); i++) {
          parameterNames.add(parameterName(method, i, types));
        }
        tools.add(
            new Found(
                method,
                new ToolMethod(
                    tool.name().isEmpty() ? method.name() : tool.name(),
                    tool.risk(),
                    type.binaryName() + "#" + method.name(),
                    parameterNames)));
      }
    }
    return tools;
  }

  /** A method found to be a tool, and what tool. */
  record Found(MethodModel method, ToolMethod tool) {}

  /**
   * The declaration on the nearest method of a super class or interface that this method overrides:
   * one of the same name and shape, where a method's shapes are its own descriptor and those of the
   * bridge methods the compiler put beside it (a method implementing {@code Mailer<String>.send(T)}
   * has a bridge {@code send(Object)} that calls it).
   *
   * @throws IllegalStateException if a super type's class file cannot be read
   */
  private Optional<Declaration> inherited(ClassModel type, MethodModel method, ClassModels types) {
    Set<String> shapes = new HashSet<>();
    shapes.add(method.descriptor());
    for (MethodModel bridge : type.methods()) {
      if (bridge.is(Opcodes.ACC_BRIDGE)
          && bridge.name().equals(method.name())
          && (bridge.bridged() == null
              ? bridge.parameterNames().size() == method.parameterNames().size()
              : method.descriptor().equals(bridge.bridged()))) {
        shapes.add(bridge.descriptor());
      }
    }
    Queue<String> pending = new ArrayDeque<>(type.supertypes());
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      String next = pending.remove();
      if (seen.add(next) && !next.startsWith("java/")) {
        Optional<ClassModel> found = types.find(next);
        if (found.isEmpty()) {
          throw new IllegalStateException("no class file for " + next.replace('/', '.'));
        }
        ClassModel supertype = found.get();
        for (MethodModel candidate : supertype.methods()) {
          if (candidate.name().equals(method.name())
              && !candidate.is(Opcodes.ACC_STATIC)
              && !candidate.is(Opcodes.ACC_PRIVATE)
              && shapes.contains(candidate.descriptor())) {
            Optional<Declaration> declared = declaration(candidate.annotations(), types);
            if (declared.isPresent()) {
              return declared;
            }
          }
        }
        pending.addAll(supertype.supertypes());
      }
    }
    return Optional.empty();
  }

  /** What an annotation says about a tool: its name ({@code ""} for the method's) and risk. */
  private record Declaration(String name, DeclaredRisk risk) {}

  /**
   * The tool declaration among these annotations: toolguard's or a framework's, else one standing
   * for Spring AI's, else one the policy lists.
   */
  private Optional<Declaration> declaration(List<AnnotationValue> annotations, ClassModels types) {
    for (AnnotationValue annotation : annotations) {
      if (annotation.type().equals(OURS)) {
        // A risk this agent does not know comes from a newer API: treat it as the most dangerous;
        // so is a risk that cannot be read at all.
        Risk risk =
            value(annotation, "risk", types) instanceof EnumValue constant
                ? Risk.named(constant.name()).orElse(Risk.CRITICAL)
                : Risk.CRITICAL;
        return Optional.of(new Declaration(text(annotation, "name", types), DeclaredRisk.of(risk)));
      }
      if (FRAMEWORKS.contains(annotation.type())) {
        return Optional.of(
            new Declaration(text(annotation, "name", types), frameworkRisk(annotation, types)));
      }
    }
    for (AnnotationValue annotation : annotations) {
      Optional<String> springName = springToolName(annotation, types, 0);
      if (springName.isPresent()) {
        return Optional.of(new Declaration(springName.get(), DeclaredRisk.UNSTATED));
      }
    }
    for (AnnotationValue annotation : annotations) {
      if (listed.contains(annotation.type())) {
        return Optional.of(
            new Declaration(text(annotation, "name", types), frameworkRisk(annotation, types)));
      }
    }
    return Optional.empty();
  }

  /**
   * A framework annotation states no risk, so the policy's {@code default_risk} applies; MCP's
   * {@code annotations = @McpAnnotations(...)} hints move it (see {@link DeclaredRisk#under}).
   */
  private static DeclaredRisk frameworkRisk(AnnotationValue annotation, ClassModels types) {
    if (!(value(annotation, "annotations", types) instanceof AnnotationValue hints)) {
      return DeclaredRisk.UNSTATED;
    }
    return DeclaredRisk.hinted(
        flag(hints, "readOnlyHint", types), flag(hints, "destructiveHint", types));
  }

  private static boolean flag(AnnotationValue annotation, String name, ClassModels types) {
    return value(annotation, name, types) instanceof Boolean set && set;
  }

  /**
   * {@return the name that Spring AI's {@code @Tool} gives through this annotation, when the
   * annotation is (meta-annotated, at any depth, with) Spring AI's {@code @Tool}: an attribute
   * declared {@code @AliasFor(annotation = Tool.class, attribute = "name")}, else the
   * meta-annotation's own}
   */
  private static Optional<String> springToolName(
      AnnotationValue annotation, ClassModels types, int depth) {
    if (annotation.type().equals(SPRING_AI)) {
      return Optional.of(text(annotation, "name", types));
    }
    if (depth > 4 || annotation.type().startsWith("java.")) {
      return Optional.empty();
    }
    Optional<ClassModel> type = types.find(internalName(annotation.type()));
    if (type.isEmpty()) {
      return Optional.empty();
    }
    for (AnnotationValue meta : type.get().annotations()) {
      Optional<String> name = springToolName(meta, types, depth + 1);
      if (name.isPresent()) {
        return Optional.of(aliasedName(annotation, type.get(), types).orElse(name.get()));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> aliasedName(
      AnnotationValue annotation, ClassModel type, ClassModels types) {
    for (MethodModel attribute : type.methods()) {
      for (AnnotationValue alias : attribute.annotations()) {
        if (alias.type().equals("org.springframework.core.annotation.AliasFor")
            && alias.values().get("annotation") instanceof Type target
            && AnnotationNames.className(target.getDescriptor()).equals(SPRING_AI)
            && ("name".equals(alias.values().get("attribute"))
                || "name".equals(alias.values().get("value")))
            && value(annotation, attribute.name(), types) instanceof String value
            && !value.isEmpty()) {
          return Optional.of(value);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the name the model knows a parameter by: LangChain4j's {@code @P(name = ...)} when it
   * gives one, else the class file's ({@code -parameters}, else the local variable table), else
   * {@code arg0}…} (Spring AI's {@code @ToolParam} names nothing; Spring AI uses the class file's
   * name too.)
   */
  private static String parameterName(MethodModel method, int index, ClassModels types) {
    for (AnnotationValue annotation : method.parameterAnnotations().get(index)) {
      if (annotation.type().equals(LANGCHAIN4J_PARAMETER)) {
        String name = text(annotation, "name", types);
        if (!name.isEmpty()) {
          return name;
        }
      }
    }
    return method.parameterNames().get(index);
  }

  private static final String LANGCHAIN4J_PARAMETER = "dev.langchain4j.agent.tool.P";

  /**
   * {@return an attribute's value: the one written, else the default its annotation type declares;
   * {@code null} when neither can be read}
   */
  private static Object value(AnnotationValue annotation, String name, ClassModels types) {
    Object written = annotation.values().get(name);
    if (written != null) {
      return written;
    }
    Optional<ClassModel> type = types.find(internalName(annotation.type()));
    Optional<MethodModel> attribute =
        type.isPresent() ? type.get().attribute(name) : Optional.empty();
    return attribute.isPresent() ? attribute.get().defaultValue() : null;
  }

  /** {@return a text attribute's value, or {@code ""} when the annotation has no such attribute} */
  private static String text(AnnotationValue annotation, String name, ClassModels types) {
    return value(annotation, name, types) instanceof String text ? text : "";
  }

  private static String internalName(String binaryName) {
    return binaryName.replace('.', '/');
  }
}
