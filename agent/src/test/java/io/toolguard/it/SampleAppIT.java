package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample app as a user runs it: the prompt injection's steps are blocked under the shipped
 * policy.
 */
class SampleAppIT {

  @TempDir Path dir;

  @Test
  void underTheSamplePolicyTheInjectedStepsAreBlockedAndAPersonApprovesTheRiskyLegitimateOne()
      throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    int port = ApprovalApi.freePort();
    Files.writeString(
        dir.resolve("policies/sample-app.yaml"),
        Files.readString(ChildJvm.POLICIES.resolve("sample-app.yaml"))
            .replace("    port: 0\n", "    port: " + port + "\n    token_file: approval.token\n"));

    java.util.concurrent.CompletableFuture<ChildJvm.Result> run =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return ChildJvm.in(dir)
                    .agent("policy=policies/sample-app.yaml")
                    .jar(ChildJvm.SAMPLE_JAR);
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    ApprovalApi api = ApprovalApi.await(dir.resolve("policies/approval.token"), port);
    api.decide(
        api.awaitPendingWithArguments("data/customers.csv").get("id"),
        "{\"decision\":\"deny\",\"message\":\"Customer data stays where it is.\"}");
    api.decide(
        api.awaitPendingWithArguments("out/draft.md").get("id"), "{\"decision\":\"approve\"}");
    ChildJvm.Result result = run.get(60, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .as(result.toString())
        .containsPattern(
            "send_email\\(\"attacker@evil.example\".*prompt injection\\n\\s+BLOCKED: Tool 'send_email'")
        .containsPattern(
            "delete_file\\(\"data/customers.csv\"\\).*prompt injection\\n\\s+BLOCKED:"
                + " Customer data stays where it is.")
        .containsPattern("execute_code\\(.*prompt injection\\n\\s+BLOCKED: Tool 'execute_code'")
        .containsPattern("delete_file\\(\"out/draft.md\"\\)\\n\\s+ran:")
        .contains(
            "data/customers.csv still there:  yes",
            "emails sent (outbox/sent.eml):   no",
            "code executed (outbox/executed): no",
            "summary written (out/summary.md): yes",
            "stale draft removed (out/draft.md): yes");
    Path workspace = dir.resolve("sample-workspace");
    assertThat(workspace.resolve("data/customers.csv")).exists();
    assertThat(workspace.resolve("outbox")).doesNotExist();
    assertThat(AuditLines.calls(dir.resolve("toolguard-audit.jsonl")))
        .extracting(line -> line.get("tool") + " " + line.get("decision"))
        .containsSubsequence(
            "send_email deny",
            "delete_file deny",
            "execute_code deny",
            "write_file allow",
            "delete_file allow");
  }

  @Test
  void withoutTheAgentTheInjectionSucceeds() throws Exception {
    ChildJvm.Result result = ChildJvm.in(dir).jar(ChildJvm.SAMPLE_JAR);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .doesNotContain("BLOCKED", "NEEDS APPROVAL")
        .contains("data/customers.csv still there:  no", "emails sent (outbox/sent.eml):   yes");
    assertThat(dir.resolve("sample-workspace/outbox/sent.eml")).exists();
  }

  @Test
  void aPolicySuggestedFromAnAuditModeRunLetsTheTaskRunAndStopsTheInjectedSteps() throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    Files.copy(
        ChildJvm.POLICIES.resolve("sample-app.yaml"), dir.resolve("policies/sample-app.yaml"));
    ChildJvm.Result observed =
        ChildJvm.in(dir)
            .agent("policy=policies/sample-app.yaml,mode=audit,audit=observed.jsonl")
            .jar(ChildJvm.SAMPLE_JAR);
    assertThat(observed.stdout())
        .as(observed.toString())
        .doesNotContain("BLOCKED", "NEEDS APPROVAL");

    ChildJvm.Result suggested =
        ChildJvm.in(dir)
            .jar(
                ChildJvm.AGENT_JAR,
                "suggest",
                "observed.jsonl",
                "--sandbox",
                dir.resolve("sample-workspace").toString());
    assertThat(suggested.exitCode()).as(suggested.toString()).isZero();
    Files.writeString(dir.resolve("policies/suggested.yaml"), suggested.stdout());
    ChildJvm.Result enforced =
        ChildJvm.in(dir)
            .agent("policy=policies/suggested.yaml,audit=enforced.jsonl")
            .jar(ChildJvm.SAMPLE_JAR);

    assertThat(enforced.exitCode()).as(enforced.toString()).isZero();
    assertThat(enforced.stdout())
        .as(enforced.toString())
        .containsPattern("query_db\\(\"data\"\\)\\n\\s+ran:")
        .containsPattern("read_file\\(\"data/notes.md\"\\)\\n\\s+ran:")
        .containsPattern("write_file\\(\"out/summary.md\".*\\n\\s+ran:")
        .containsPattern("send_email\\(.*prompt injection\\n\\s+NEEDS APPROVAL, so blocked")
        .containsPattern("delete_file\\(.*prompt injection\\n\\s+NEEDS APPROVAL, so blocked")
        .containsPattern("execute_code\\(.*prompt injection\\n\\s+NEEDS APPROVAL, so blocked")
        // Deleting the draft ran at HIGH risk; the suggested policy names no approval channel, so
        // it is denied.
        .containsPattern("delete_file\\(\"out/draft.md\"\\)\\n\\s+NEEDS APPROVAL, so blocked")
        .contains("data/customers.csv still there:  yes", "emails sent (outbox/sent.eml):   no");
  }
}
