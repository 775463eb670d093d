package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The unchanged framework examples (examples/langchain4j: an AiServices assistant on LangChain4j
 * 1.x; examples/spring-ai: a Spring AI ChatClient, one tool under a meta-annotation of Spring AI's
 * {@code @Tool}, one declared on an interface), whose tools carry only their framework's
 * annotations: guarded under the names the frameworks give them, with each denial reaching the
 * model as a tool result and the conversation going on.
 */
class FrameworkToolsIT {

  @TempDir Path dir;

  private static Path jar(String example) {
    return ChildJvm.EXAMPLES.resolve(example + "/target/toolguard-example-" + example + ".jar");
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void frameworkToolsAreGuardedAndTheModelReadsTheDenials(String example) throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("policies/example.yaml"),
        Files.readString(ChildJvm.EXAMPLES.resolve(example).resolve("policy.yaml"))
            .replace("sandbox: ../../" + example + "-workspace", "sandbox: ../workspace"));

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policies/example.yaml,audit=audit.jsonl")
            .jar(jar(example), "workspace");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .as(result.toString())
        .containsPattern(
            "the model sees read_file -> \"Tool 'read_file' may not read '.*/etc/passwd' \\(")
        .contains(
            "the model sees send_email -> \"Tool 'send_email' was denied by toolguard: denied by policy rule"
                + " 'send_email'",
            "Assistant: Summary: the report says revenue grew.",
            "mail sent (outbox/sent.eml): no")
        .doesNotContain("root:x:0:0");
    assertThat(dir.resolve("workspace/outbox")).doesNotExist();
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(
            call ->
                call.get("tool")
                    + " "
                    + call.get("risk")
                    + " "
                    + call.get("decision")
                    + " "
                    + call.get("method").replaceAll(".*\\$", ""))
        .containsExactly(
            "read_file LOW allow Tools#readFile",
            "read_file LOW allow Tools#readFile",
            "send_email HIGH deny Tools#sendEmail");
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void aFrameworkToolWaitsForAPersonsApprovalAndRunsOnlyWithinItsGrants(String example)
      throws Exception {
    int port = ApprovalApi.freePort();
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("policies/example.yaml"),
        """
        version: 1
        sandbox: ../workspace
        approval:
          timeout: 60s
          web:
            port: %d
            token_file: approval.token
        tools:
          read_file:
            decision: allow
            risk: LOW
            files:
              read: ["data/**"]
          send_email:
            decision: ask
            files:
              write: ["outbox/**"]
        """
            .formatted(port));

    CompletableFuture<ChildJvm.Result> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ChildJvm.in(dir)
                    .agent("policy=policies/example.yaml,audit=audit.jsonl")
                    .jar(jar(example), "workspace");
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    ApprovalApi api = ApprovalApi.await(dir.resolve("policies/approval.token"), port);
    Map<String, Object> request =
        api.awaitPending(pending -> "send_email".equals(pending.get("tool")));
    assertThat(
            api.decide(request.get("id"), "{\"decision\":\"approve\",\"approver\":\"it-approver\"}")
                .statusCode())
        .isEqualTo(200);
    ChildJvm.Result result = run.get(60, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .as(result.toString())
        .contains("mail sent (outbox/sent.eml): yes")
        .doesNotContain("root:x:0:0");
    assertThat(Files.readString(dir.resolve("workspace/outbox/sent.eml")))
        .doesNotContain("root:x:0:0");
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(call -> call.get("tool") + " " + call.get("risk") + " " + call.get("decision"))
        .containsExactly("read_file LOW allow", "read_file LOW allow", "send_email HIGH allow");
    assertThat(Files.readString(dir.resolve("audit.jsonl"))).contains("it-approver");
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void withoutTheAgentTheInjectionSucceeds(String example) throws Exception {
    ChildJvm.Result result = ChildJvm.in(dir).jar(jar(example), "workspace");

    assertThat(result.stdout())
        .as(result.toString())
        .contains("root:x:0:0", "mail sent (outbox/sent.eml): yes");
  }
}
