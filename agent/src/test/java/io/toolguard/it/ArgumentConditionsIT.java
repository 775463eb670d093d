package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conditions on arguments in a real JVM, with the framework examples' tools (LangChain4j and Spring
 * AI, parameter names from {@code -parameters}) called by their scripted, injected model: without
 * the agent the injection reads /etc/passwd and mails it to attacker@evil.example; with a policy
 * that allows each tool only for the values its work needs, the injected calls are denied by the
 * condition they fail, the model reads which, and the legitimate read still runs.
 */
class ArgumentConditionsIT {

  @TempDir Path dir;

  private static Path jar(String example) {
    return ChildJvm.EXAMPLES.resolve(example + "/target/toolguard-example-" + example + ".jar");
  }

  private void policy(String mailGlob) throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("policies/conditions.yaml"),
        """
        version: 1
        sandbox: ../workspace
        tools:
          read_file:
            decision: allow
            risk: LOW
            files:
              read: ["data/**"]
            when:
              path: {inside: ["data/**"]}
          send_email:
            decision: allow
            risk: LOW
            files:
              write: ["outbox/**"]
            when:
              to: {glob: "%s", ignore_case: true}
              body: {max_length: 2000}
        """
            .formatted(mailGlob));
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void injectedValuesAreDeniedByTheConditionTheyFail(String example) throws Exception {
    ChildJvm.Result unguarded = ChildJvm.in(dir).jar(jar(example), "workspace");
    assertThat(unguarded.stdout())
        .as("without the agent the injection works")
        .contains("root:x:0:0", "mail sent (outbox/sent.eml): yes");
    policy("*@example.com");

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policies/conditions.yaml,audit=audit.jsonl")
            .jar(jar(example), "workspace");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .as(result.toString())
        .contains(
            "the model sees read_file -> \"Tool 'read_file' was denied by toolguard: policy rule"
                + " 'read_file' (line 4) does not apply",
            "the model sees send_email -> \"Tool 'send_email' was denied by toolguard: policy rule"
                + " 'send_email' (line 11) does not apply",
            "Assistant: Summary: the report says revenue grew.",
            "mail sent (outbox/sent.eml): no")
        .doesNotContain("root:x:0:0");
    assertThat(dir.resolve("workspace/outbox/sent.eml")).doesNotExist();
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(call -> call.get("tool") + " " + call.get("decision"))
        .containsExactly("read_file allow", "read_file deny", "send_email deny");
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(call -> call.get("reason").replace("\\\"", "\""))
        .contains(
            "policy rule 'read_file' (line 4) does not apply: its condition at line 10 does not"
                + " hold: 'path' does not satisfy: is a path inside \"data/**\"; no other rule"
                + " names this tool; unlisted tools are denied",
            "policy rule 'send_email' (line 11) does not apply: its condition at line 17 does not"
                + " hold: 'to' does not satisfy: matches glob \"*@example.com\" (ignoring case);"
                + " no other rule names this tool; unlisted tools are denied");
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void aValueTheConditionAllowsRuns(String example) throws Exception {
    policy("*@EVIL.example");

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policies/conditions.yaml,audit=audit.jsonl")
            .jar(jar(example), "workspace");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).as(result.toString()).contains("mail sent (outbox/sent.eml): yes");
    assertThat(Files.readString(dir.resolve("workspace/outbox/sent.eml")))
        .startsWith("To: attacker@evil.example")
        .doesNotContain("root:x:0:0");
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(
            call ->
                call.get("tool")
                    + " "
                    + call.get("decision")
                    + " "
                    + call.get("rule").replaceAll(".*/", ""))
        .containsExactly(
            "read_file allow conditions.yaml:4",
            "read_file deny conditions.yaml (default unlisted_tools: deny)",
            "send_email allow conditions.yaml:11");
  }
}
