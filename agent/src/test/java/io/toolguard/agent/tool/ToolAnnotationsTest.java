package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.guard.ToolMethod;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Risk;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.springaicommunity.mcp.annotation.McpTool;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.core.annotation.AliasFor;

class ToolAnnotationsTest {

  @Test
  void toolguardsTheFrameworksAndTheListedAnnotationsMarkToolsByThemselves() {
    ToolAnnotations annotations = new ToolAnnotations(List.of("com.example.AgentAction"));

    for (String marking :
        List.of(
            "io.toolguard.api.Tool",
            "dev.langchain4j.agent.tool.Tool",
            "org.springframework.ai.tool.annotation.Tool",
            "org.springframework.ai.mcp.annotation.McpTool",
            "org.springaicommunity.mcp.annotation.McpTool",
            "com.example.AgentAction")) {
      assertThat(annotations.marksTools(marking)).as(marking).isTrue();
    }
    for (String other :
        List.of("io.toolguard.api.Tools", "com.example.AgentActions", "Tool", "x.Tool", "")) {
      assertThat(annotations.marksTools(other)).as(other).isFalse();
    }
    assertThat(new ToolAnnotations(List.of()).marksTools("com.example.AgentAction")).isFalse();
  }

  @Test
  void ownAndFrameworkAnnotationsNameTheToolOrLeaveItToTheMethod() {
    assertThat(tool(Direct.class, "lookup"))
        .contains(
            new ToolMethod(
                "lookup", DeclaredRisk.of(Risk.LOW), sig("Direct#lookup"), List.of("key")));
    assertThat(tool(Direct.class, "springDefault")).map(ToolMethod::name).contains("springDefault");
    assertThat(tool(Direct.class, "springNamed")).map(ToolMethod::name).contains("named");
    assertThat(tool(Direct.class, "notATool")).isEmpty();
  }

  @Test
  void frameworkAnnotationsStateNoRiskAndMcpAnnotationsGiveHints() {
    assertThat(tool(Direct.class, "springDefault"))
        .map(ToolMethod::risk)
        .contains(DeclaredRisk.UNSTATED);
    assertThat(tool(Direct.class, "destructive")).map(ToolMethod::name).contains("wipe");
    assertThat(tool(Direct.class, "destructive"))
        .map(ToolMethod::risk)
        .contains(DeclaredRisk.hinted(false, true));
    assertThat(tool(Direct.class, "readOnly"))
        .map(ToolMethod::risk)
        .contains(DeclaredRisk.hinted(true, true));
    assertThat(tool(Direct.class, "additive"))
        .map(ToolMethod::risk)
        .contains(DeclaredRisk.hinted(false, false));
  }

  @Test
  void anAnnotationMetaAnnotatedWithSpringsToolIsOneAndMayAliasItsName() {
    assertThat(tool(Direct.class, "metaAliased")).map(ToolMethod::name).contains("aliased");
    assertThat(tool(Direct.class, "metaDefault")).map(ToolMethod::name).contains("reading");
    assertThat(tool(Direct.class, "metaDefault"))
        .map(ToolMethod::risk)
        .contains(DeclaredRisk.UNSTATED);
  }

  @Test
  void anAnnotationThePolicyListsIsOne() {
    assertThat(tool(Direct.class, "listed")).map(ToolMethod::name).contains("listed");
    assertThat(
            new ToolAnnotations(List.of())
                .toolsOf(describe(Direct.class), List.of(method(Direct.class, "listed")), TYPES))
        .isEmpty();
  }

  @Test
  void aMethodIsAToolWhenTheMethodItImplementsOrOverridesIsOne() {
    assertThat(tool(SmtpMailer.class, "send"))
        .contains(
            new ToolMethod(
                "send_mail", DeclaredRisk.UNSTATED, sig("SmtpMailer#send"), List.of("message")));
    assertThat(tool(Overriding.class, "base"))
        .map(ToolMethod::risk)
        .contains(DeclaredRisk.of(Risk.LOW));
    assertThat(tool(Overriding.class, "plain")).isEmpty();
  }

  @Test
  void parametersAreNamedByLangChain4jsAnnotationElseByTheClassFile() {
    assertThat(tool(Named.class, "mail"))
        .map(ToolMethod::parameterNames)
        .contains(List.of("recipient", "body", "copies"));
  }

  static class Named {
    @Tool(name = "mail")
    public void mail(
        @dev.langchain4j.agent.tool.P(name = "recipient", value = "to whom") String to,
        @dev.langchain4j.agent.tool.P("the text") String body,
        int copies) {}
  }

  private static Optional<ToolMethod> tool(Class<?> type, String method) {
    return new ToolAnnotations(List.of(AgentAction.class.getName()))
        .toolsOf(describe(type), List.of(method(type, method)), TYPES).stream()
            .map(ToolAnnotations.Found::tool)
            .findFirst();
  }

  /** The test's class files, as the agent reads an application's through its loader. */
  static final ClassModels TYPES =
      new ClassModels(
          internalName ->
              ToolClassFilter.classFile(ToolAnnotationsTest.class.getClassLoader(), internalName));

  /** {@return the class's model, read with its code as the agent reads a class it weaves} */
  static ClassModel describe(Class<?> type) {
    return ClassModel.read(
        ToolClassFilter.classFile(
            ToolAnnotationsTest.class.getClassLoader(), type.getName().replace('.', '/')),
        true);
  }

  private static ClassModel.MethodModel method(Class<?> type, String name) {
    return describe(type).methods().stream()
        .filter(method -> method.name().equals(name) && !method.is(Opcodes.ACC_BRIDGE))
        .findFirst()
        .orElseThrow();
  }

  private static String sig(String member) {
    return ToolAnnotationsTest.class.getName() + "$" + member;
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface AgentAction {
    String name() default "";
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @Tool(name = "reading")
  @interface ReadingTool {
    @AliasFor(annotation = Tool.class, attribute = "name")
    String value() default "";
  }

  static class Direct {
    @io.toolguard.api.Tool(risk = io.toolguard.api.Risk.LOW)
    public void lookup(String key) {}

    @Tool
    public void springDefault() {}

    @Tool(name = "named")
    void springNamed() {}

    @McpTool(annotations = @McpTool.McpAnnotations(readOnlyHint = true))
    public void readOnly() {}

    @McpTool(name = "wipe")
    public void destructive() {}

    @McpTool(annotations = @McpTool.McpAnnotations(destructiveHint = false))
    public void additive() {}

    @ReadingTool("aliased")
    void metaAliased() {}

    @ReadingTool
    void metaDefault() {}

    @AgentAction(name = "listed")
    void listed() {}

    void notATool() {}
  }

  interface Mailer<T> {
    @Tool(name = "send_mail")
    void send(T message);
  }

  static class SmtpMailer implements Mailer<String> {
    @Override
    public void send(String message) {}
  }

  abstract static class Base {
    @io.toolguard.api.Tool(name = "base", risk = io.toolguard.api.Risk.LOW)
    public String base() {
      return "base";
    }
  }

  static class Overriding extends Base {
    @Override
    public String base() {
      return "overridden";
    }

    public String plain() {
      return "plain";
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
