package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A secret in a framework tool's argument, put there by the scripted, injected model of the
 * LangChain4j and Spring AI examples: the mail it asks to send carries /etc/passwd, whose root
 * entry the policy names as a kind of secret. Without the agent that entry leaves in the mail; with
 * it, the approval request shows the entry only as its kind and hash in the webhook body, the
 * approval API's list and whole-arguments view and the audit log, and the person's refusal keeps
 * the mail from being sent.
 */
class FrameworkSecretRedactionIT {

  @TempDir Path dir;

  private static Path jar(String example) {
    return ChildJvm.EXAMPLES.resolve(example + "/target/toolguard-example-" + example + ".jar");
  }

  @ParameterizedTest
  @ValueSource(strings = {"langchain4j", "spring-ai"})
  void aSecretTheModelPutsInAnArgumentReachesNoChannel(String example) throws Exception {
    ChildJvm.Result unguarded = ChildJvm.in(dir).jar(jar(example), "workspace");
    assertThat(Files.readString(dir.resolve("workspace/outbox/sent.eml")))
        .as("without the agent the root entry leaves in the mail")
        .contains("root:x:0:0");

    int port = ApprovalApi.freePort();
    LinkedBlockingQueue<String> posts = new LinkedBlockingQueue<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    hook.start();
    try {
      Files.createDirectories(dir.resolve("policies"));
      Files.writeString(
          dir.resolve("policies/redact.yaml"),
          """
          version: 1
          sandbox: ../workspace
          secrets:
            - name: passwd entry
              regex: "root:x:0:0:[^\\n]*"
          approval:
            timeout: 60s
            web:
              port: %d
              token_file: approval.token
            webhook:
              url: http://127.0.0.1:%d/hook
              secret: s3cret
          tools:
            read_file:
              decision: allow
              risk: LOW
              files:
                read: ["data/**", "/etc/passwd"]
            send_email:
              decision: ask
              files:
                write: ["outbox/**"]
          """
              .formatted(port, hook.getAddress().getPort()));
      Files.delete(dir.resolve("workspace/outbox/sent.eml"));
      CompletableFuture<ChildJvm.Result> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ChildJvm.in(dir)
                      .agent("policy=policies/redact.yaml,audit=audit.jsonl")
                      .jar(jar(example), "workspace");
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      ApprovalApi api = ApprovalApi.await(dir.resolve("policies/approval.token"), port);
      Map<String, Object> listed =
          api.awaitPending(pending -> "send_email".equals(pending.get("tool")));
      Map<String, Object> whole = api.detail(listed.get("id"));
      String webhookBody = posts.poll(30, TimeUnit.SECONDS);
      api.decide(listed.get("id"), "{\"decision\":\"deny\"}");
      ChildJvm.Result result = run.get(60, TimeUnit.SECONDS);
      String audit = Files.readString(dir.resolve("audit.jsonl"));

      assertThat(result.stdout()).as(result.toString()).contains("mail sent (outbox/sent.eml): no");
      java.util.regex.Matcher hash =
          java.util.regex.Pattern.compile("\\[redacted passwd entry sha256:([0-9a-f]{16})\\]")
              .matcher(String.valueOf(listed.get("arguments")));
      assertThat(hash.find()).as(listed.toString()).isTrue();
      for (String channel :
          new String[] {webhookBody, listed.toString(), whole.toString(), audit}) {
        assertThat(channel)
            .isNotNull()
            .doesNotContain("root:x:0:0")
            .contains("[redacted passwd entry sha256:" + hash.group(1) + "]");
      }
    } finally {
      hook.stop(0);
    }
  }
}
