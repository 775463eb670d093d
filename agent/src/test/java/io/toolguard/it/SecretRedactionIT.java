package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.toolguard.it.app.ApprovalApp;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private key, a bearer token and a secret of a kind the policy adds ({@code secrets:}) in a
 * tool's argument reach no channel: the webhook body, the approval API's list and its
 * whole-arguments view, and the audit log show each as its kind and hash, the same hash everywhere;
 * the tool itself still runs once approved. (The terminal: {@code TerminalApprovalIT}.)
 */
class SecretRedactionIT {

  private static final String KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
  private static final String TOKEN = "c2VjcmV0LXRva2VuLXZhbHVl";
  private static final String ORDER_TOKEN = "ot_Q7rT9xZ2";

  @TempDir Path dir;

  @Test
  void aSecretInAnArgumentIsRedactedInEveryChannel() throws Exception {
    assertThat(ApprovalApp.SECRET).as("the raw argument").contains(KEY_BODY, TOKEN, ORDER_TOKEN);
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
      Files.writeString(
          dir.resolve("policy.yaml"),
          ApprovalPolicy.of(
                  ApprovalPolicy.page(port, "60s")
                      + "webhook:\n  url: http://127.0.0.1:"
                      + hook.getAddress().getPort()
                      + "/hook\n  secret: s3cret",
                  "")
              + ApprovalPolicy.SECRETS);
      CompletableFuture<ChildJvm.Result> child =
          ChildJvm.in(dir)
              .agent("policy=policy.yaml,audit=audit.jsonl")
              .inBackground(ApprovalApp.class, "markers", "secret");

      String webhookBody = posts.poll(30, TimeUnit.SECONDS);
      ApprovalApi api = ApprovalApi.await(dir.resolve("approval.token"), port);
      Map<String, Object> listed = api.awaitPendingWithArguments("deploy with key");
      Map<String, Object> whole = api.detail(listed.get("id"));
      api.decide(listed.get("id"), "{\"decision\":\"approve\"}");
      ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
      String audit = Files.readString(dir.resolve("audit.jsonl"));

      assertThat(result.stdout()).as(result.toString()).startsWith("secret: ran");
      String keyHash = hashOf("private key", String.valueOf(listed.get("arguments")));
      String tokenHash = hashOf("bearer token", String.valueOf(listed.get("arguments")));
      String orderHash = hashOf("order token", String.valueOf(listed.get("arguments")));
      for (String channel : new String[] {webhookBody, listed.toString(), whole.toString()}) {
        assertThat(channel)
            .isNotNull()
            .doesNotContain(KEY_BODY, TOKEN, ORDER_TOKEN)
            .contains("[redacted private key sha256:" + keyHash + "]")
            .contains("[redacted bearer token sha256:" + tokenHash + "]")
            .contains("[redacted order token sha256:" + orderHash + "]");
      }
      // The audit log's summary is cut at 80 characters, after redaction: the token's part is cut.
      assertThat(audit)
          .doesNotContain(KEY_BODY, TOKEN)
          .contains("[redacted private key sha256:" + keyHash + "]");
    } finally {
      hook.stop(0);
    }
  }

  private static String hashOf(String kind, String text) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("\\[redacted " + kind + " sha256:([0-9a-f]{16})\\]")
            .matcher(text);
    assertThat(matcher.find()).as(kind + " in " + text).isTrue();
    return matcher.group(1);
  }
}
