package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unchanged LangChain4j 1.x AiServices application (examples/langchain4j), whose tools carry
 * LangChain4j's own {@code @Tool}: guarded by name, with the denials reaching the model as tool
 * results and the conversation going on.
 */
class LangChain4jIT {

  @TempDir Path dir;

  @Test
  void frameworkToolsAreGuardedAndTheModelReadsTheDenials() throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(dir.resolve("policies/lc4j.yaml"), Files.readString(ChildJvm.LANGCHAIN4J_JAR.getParent()
        .resolveSibling("policy.yaml")).replace("sandbox: ../../langchain4j-workspace", "sandbox: ../workspace"));

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policies/lc4j.yaml,audit=audit.jsonl")
        .jar(ChildJvm.LANGCHAIN4J_JAR, "workspace");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).as(result.toString())
        .contains("the model sees read_file -> \"# Q3 report\"")
        .containsPattern("the model sees read_file -> \"Tool 'read_file' may not read '.*/etc/passwd' \\(")
        .contains("the model sees send_email -> \"Tool 'send_email' was denied by toolguard: denied by policy rule"
            + " 'send_email'")
        .contains("Assistant: Summary: the report says revenue grew. (3 tool calls made)", "mail sent (outbox/sent.eml): no")
        .doesNotContain("root:x:0:0");
    assertThat(dir.resolve("workspace/outbox")).doesNotExist();
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(call -> call.get("tool") + " " + call.get("risk") + " " + call.get("decision") + " " + call.get("method"))
        .containsExactly(
            "read_file LOW allow io.toolguard.examples.langchain4j.LangChain4jExample$Tools#readFile",
            "read_file LOW allow io.toolguard.examples.langchain4j.LangChain4jExample$Tools#readFile",
            "send_email HIGH deny io.toolguard.examples.langchain4j.LangChain4jExample$Tools#sendEmail");
  }

  @Test
  void withoutTheAgentTheInjectionSucceeds() throws Exception {
    ChildJvm.Result result = ChildJvm.in(dir).jar(ChildJvm.LANGCHAIN4J_JAR, "workspace");

    assertThat(result.stdout()).as(result.toString()).contains("the model sees read_file -> \"root:x:0:0",
        "mail sent (outbox/sent.eml): yes");
  }
}
