package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results withheld, in a real JVM, with the framework examples' tools (LangChain4j and Spring AI)
 * called by their scripted, injected model: without the agent the injection reads /etc/passwd and
 * mails it to attacker@evil.example. With a policy that even grants the read (the exfiltration step
 * is what is stopped here) but withholds {@code read_file} results holding a secret — a kind the
 * policy adds, matching passwd's root entry — the report still reaches the model, the passwd
 * contents never do: the model reads a denial naming the kind, and the mail it then sends carries
 * no line of /etc/passwd.
 */
class ResultWithheldIT {

  @TempDir Path dir;

  private static Path jar(String example) {
    return ChildJvm.EXAMPLES.resolve(example + "/target/toolguard-example-" + example + ".jar");
  }

  private void policy() throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("policies/withhold.yaml"),
        """
        version: 1
        sandbox: ../workspace
        secrets:
          - name: passwd entry
            regex: "root:x:0:0:[^\\n]*"
        tools:
          read_file:
            decision: allow
            risk: LOW
            files:
              read: ["data/**", "/etc/passwd"]
            withhold_secret_results: true
          send_email:
            decision: allow
            risk: LOW
            files:
              write: ["outbox/**"]
        """);
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void aResultHoldingASecretNeverReachesTheModelAndACleanOneDoes(String example) throws Exception {
    ChildJvm.Result unguarded = ChildJvm.in(dir).jar(jar(example), "workspace");
    assertThat(unguarded.stdout())
        .as("without the agent the injection works")
        .contains("root:x:0:0", "mail sent (outbox/sent.eml): yes");
    assertThat(Files.readString(dir.resolve("workspace/outbox/sent.eml"))).contains("root:x:0:0");
    policy();

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policies/withhold.yaml,audit=audit.jsonl")
            .jar(jar(example), "workspace");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .as(result.toString())
        .contains(
            "the model sees read_file -> \"# Q3 report\"",
            "the model sees read_file -> \"Tool 'read_file' ran, but toolguard withheld its"
                + " result: it holds a secret (passwd entry) [rule ",
            "Assistant: Summary: the report says revenue grew.",
            "mail sent (outbox/sent.eml): yes")
        .doesNotContain("root:x:0:0");
    assertThat(Files.readString(dir.resolve("workspace/outbox/sent.eml")))
        .startsWith("To: attacker@evil.example")
        .doesNotContain("root:x:0:0", "/bin/");
    String audit = Files.readString(dir.resolve("audit.jsonl"));
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(call -> call.get("tool") + " " + call.get("decision"))
        .containsExactly("read_file allow", "read_file allow", "send_email allow");
    assertThat(audit)
        .contains(
            "\"event\":\"result\"",
            "\"tool\":\"read_file\",\"decision\":\"deny\"",
            "its result is withheld from the model: it holds a secret (passwd entry), and policy"
                + " rule at ")
        .doesNotContain("root:x:0:0");
  }
}
