package io.toolguard.agent.tool;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.toolguard.agent.guard.ToolMethod;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Risk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.MethodGraph;

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
  private final byte[][] descriptorEnds;

  ToolAnnotations(List<String> listedByPolicy) {
    listed = Set.copyOf(listedByPolicy);
    Set<String> names = new LinkedHashSet<>(listedByPolicy);
    names.add(OURS);
    names.addAll(FRAMEWORKS);
    // A class that uses one of these names has its simple name and ';' in its bytes ("Tool;" for
    // all built-in ones); ends already covered by a shorter one are left out.
    List<String> ends =
        names.stream()
            .map(name -> name.substring(name.lastIndexOf('.') + 1) + ";")
            .sorted(Comparator.comparingInt(String::length))
            .toList();
    descriptorEnds =
        ends.stream()
            .filter(
                end ->
                    ends.stream()
                        .noneMatch(
                            shorter -> shorter.length() < end.length() && end.endsWith(shorter)))
            .distinct()
            .map(end -> end.getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
  }

  /**
   * {@return whether a class file may name one of the annotations: a fast scan for their simple
   * names}
   */
  boolean mayBeNamedIn(byte[] classFile) {
    for (byte[] end : descriptorEnds) {
      if (contains(classFile, end)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return which of these methods of {@code type} are tools, and which: each by its own
   * annotation, else by the method it overrides or implements}
   */
  Map<MethodDescription.InDefinedShape, ToolMethod> toolsOf(
      TypeDescription type, List<MethodDescription.InDefinedShape> methods) {
    Map<MethodDescription.InDefinedShape, ToolMethod> tools = new LinkedHashMap<>();
    MethodGraph.Linked graph = null;
    boolean hierarchyReadable = true;
    for (MethodDescription.InDefinedShape method : methods) {
      Optional<Declaration> declared = declaration(method.getDeclaredAnnotations());
      if (declared.isEmpty() && hierarchyReadable && !method.isStatic() && !method.isPrivate()) {
        try {
          graph =
              graph != null ? graph : MethodGraph.Compiler.DEFAULT.compile((TypeDefinition) type);
          declared = inherited(type, method, graph);
        } catch (IllegalStateException unreadable) {
          hierarchyReadable = false;
          System.err.println(
              "toolguard: ERROR: could not read the super classes and interfaces of "
                  + type.getName()
                  + "; any of its methods that implements a tool declared there runs unchecked: "
                  + unreadable.getMessage());
        }
      }
      declared.ifPresent(
          tool ->
              tools.put(
                  method,
                  new ToolMethod(
                      tool.name().isEmpty() ? method.getName() : tool.name(),
                      tool.risk(),
                      type.getName() + "#" + method.getName(),
                      method.getParameters().stream()
                          .map(ToolAnnotations::parameterName)
                          .toList())));
    }
    return tools;
  }

  private Optional<Declaration> inherited(
      TypeDescription type, MethodDescription method, MethodGraph.Linked graph) {
    MethodGraph.Node node = graph.locate(method.asSignatureToken());
    Set<MethodDescription.TypeToken> shapes =
        node.getSort().isResolved() ? node.getMethodTypes() : Set.of(method.asTypeToken());
    return overridden(type, method.getName(), shapes).stream()
        .map(overridden -> declaration(overridden.getDeclaredAnnotations()))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** What an annotation says about a tool: its name ({@code ""} for the method's) and risk. */
  private record Declaration(String name, DeclaredRisk risk) {}

  /**
   * The methods of the super classes and interfaces that a method of this name and these shapes
   * overrides, nearest first.
   */
  private static List<MethodDescription> overridden(
      TypeDescription type, String name, Set<MethodDescription.TypeToken> shapes) {
    List<MethodDescription> found = new ArrayList<>();
    Queue<TypeDefinition> pending = new ArrayDeque<>(supertypes(type));
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      TypeDescription next = pending.remove().asErasure();
      if (seen.add(next.getName()) && !next.getName().startsWith("java.")) {
        next
            .getDeclaredMethods()
            .filter(named(name).and(not(isStatic())).and(not(isPrivate())))
            .stream()
            .filter(candidate -> shapes.contains(candidate.asTypeToken()))
            .forEach(found::add);
        pending.addAll(supertypes(next));
      }
    }
    return found;
  }

  private static List<TypeDefinition> supertypes(TypeDescription type) {
    List<TypeDefinition> supertypes = new ArrayList<>();
    if (type.getSuperClass() != null) {
      supertypes.add(type.getSuperClass());
    }
    supertypes.addAll(type.getInterfaces());
    return supertypes;
  }

  /**
   * The tool declaration among these annotations: toolguard's or a framework's, else one standing
   * for Spring AI's, else one the policy lists.
   */
  private Optional<Declaration> declaration(AnnotationList annotations) {
    for (AnnotationDescription annotation : annotations) {
      String type = annotation.getAnnotationType().getName();
      if (type.equals(OURS)) {
        // A risk this agent does not know comes from a newer API: treat it as the most dangerous.
        return Optional.of(
            new Declaration(
                text(annotation, "name"),
                DeclaredRisk.of(
                    Risk.named(
                            annotation
                                .getValue("risk")
                                .resolve(EnumerationDescription.class)
                                .getValue())
                        .orElse(Risk.CRITICAL))));
      }
      if (FRAMEWORKS.contains(type)) {
        return Optional.of(new Declaration(text(annotation, "name"), frameworkRisk(annotation)));
      }
    }
    for (AnnotationDescription annotation : annotations) {
      Optional<String> springName = springToolName(annotation, 0);
      if (springName.isPresent()) {
        return Optional.of(new Declaration(springName.get(), DeclaredRisk.UNSTATED));
      }
    }
    return annotations.stream()
        .filter(annotation -> listed.contains(annotation.getAnnotationType().getName()))
        .findFirst()
        .map(annotation -> new Declaration(text(annotation, "name"), frameworkRisk(annotation)));
  }

  /**
   * A framework annotation states no risk, so the policy's {@code default_risk} applies; MCP's
   * {@code annotations = @McpAnnotations(...)} hints move it (see {@link DeclaredRisk#under}).
   */
  private static DeclaredRisk frameworkRisk(AnnotationDescription annotation) {
    if (!hasAttribute(annotation, "annotations")
        || !(annotation.getValue("annotations").resolve() instanceof AnnotationDescription hints)) {
      return DeclaredRisk.UNSTATED;
    }
    return DeclaredRisk.hinted(flag(hints, "readOnlyHint"), flag(hints, "destructiveHint"));
  }

  private static boolean flag(AnnotationDescription annotation, String name) {
    return hasAttribute(annotation, name) && annotation.getValue(name).resolve(Boolean.class);
  }

  /**
   * {@return the name that Spring AI's {@code @Tool} gives through this annotation, when the
   * annotation is (meta-annotated, at any depth, with) Spring AI's {@code @Tool}: an attribute
   * declared {@code @AliasFor(annotation = Tool.class, attribute = "name")}, else the
   * meta-annotation's own}
   */
  private static Optional<String> springToolName(AnnotationDescription annotation, int depth) {
    TypeDescription type = annotation.getAnnotationType();
    if (type.getName().equals(SPRING_AI)) {
      return Optional.of(text(annotation, "name"));
    }
    if (depth > 4 || type.getName().startsWith("java.")) {
      return Optional.empty();
    }
    AnnotationList metaAnnotations;
    try {
      metaAnnotations = type.getDeclaredAnnotations();
    } catch (IllegalStateException notOnTheClassPath) {
      return Optional.empty();
    }
    for (AnnotationDescription meta : metaAnnotations) {
      Optional<String> name = springToolName(meta, depth + 1);
      if (name.isPresent()) {
        return Optional.of(aliasedName(annotation).orElse(name.get()));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> aliasedName(AnnotationDescription annotation) {
    for (MethodDescription.InDefinedShape attribute :
        annotation.getAnnotationType().getDeclaredMethods()) {
      for (AnnotationDescription alias : attribute.getDeclaredAnnotations()) {
        if (alias
                .getAnnotationType()
                .getName()
                .equals("org.springframework.core.annotation.AliasFor")
            && alias
                .getValue("annotation")
                .resolve(TypeDescription.class)
                .getName()
                .equals(SPRING_AI)
            && (text(alias, "attribute").equals("name") || text(alias, "value").equals("name"))) {
          String value = annotation.getValue(attribute).resolve(String.class);
          if (!value.isEmpty()) {
            return Optional.of(value);
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the name the model knows a parameter by: LangChain4j's {@code @P(name = ...)} when it
   * gives one, else the class file's ({@code -parameters}), else {@code arg0}…} (Spring AI's
   * {@code @ToolParam} names nothing; Spring AI uses the class file's name too.)
   */
  private static String parameterName(ParameterDescription parameter) {
    try {
      for (AnnotationDescription annotation : parameter.getDeclaredAnnotations()) {
        if (annotation.getAnnotationType().getName().equals(LANGCHAIN4J_PARAMETER)) {
          String name = text(annotation, "name");
          if (!name.isEmpty()) {
            return name;
          }
        }
      }
    } catch (IllegalStateException unreadable) {
      // the annotation's type cannot be read: the class file's name stands
    }
    return parameter.getName();
  }

  private static final String LANGCHAIN4J_PARAMETER = "dev.langchain4j.agent.tool.P";

  private static boolean hasAttribute(AnnotationDescription annotation, String name) {
    return !annotation.getAnnotationType().getDeclaredMethods().filter(named(name)).isEmpty();
  }

  /** {@return a text attribute's value, or {@code ""} when the annotation has no such attribute} */
  private static String text(AnnotationDescription annotation, String name) {
    MethodList<MethodDescription.InDefinedShape> attribute =
        annotation.getAnnotationType().getDeclaredMethods().filter(named(name));
    return attribute.isEmpty() || !attribute.getOnly().getReturnType().represents(String.class)
        ? ""
        : annotation.getValue(attribute.getOnly()).resolve(String.class);
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
