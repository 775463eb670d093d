package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.PoolApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ordinary fetching tools, granted server A (and a host the application reaches through proxy B)
 * only, are given the URL of server B, to which the application keeps connections in {@code
 * HttpURLConnection}'s keep-alive cache and in shared {@code HttpClient}s, the URL of the proxied
 * host, or a URL of A that redirects to B. Without toolguard every request reaches B, on the pooled
 * connection when there is one; with it none does, and A keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PooledConnectionsIT {

  @TempDir static Path dir;
  private int portA;
  private int portB;
  private ChildJvm.Result unguarded;
  private ChildJvm.Result guarded;

  @BeforeAll
  void runWithoutAndWithToolguard() throws Exception {
    portA = ApprovalApi.freePort();
    portB = ApprovalApi.freePort();
    Path without = Files.createDirectory(dir.resolve("without"));
    unguarded =
        ChildJvm.in(without).app(PoolApp.class, String.valueOf(portA), String.valueOf(portB));
    portA = ApprovalApi.freePort();
    portB = ApprovalApi.freePort();
    Path with = Files.createDirectory(dir.resolve("with"));
    StringBuilder rules = new StringBuilder();
    for (String tool :
        List.of("fetch", "send", "send_async", "send_own_executor", "send_new_client")) {
      rules.append(
          """
            %s:
              decision: allow
              net:
                connect: ["127.0.0.1:%d", "api.proxied.invalid:80"]
          """
              .formatted(tool, portA));
    }
    Files.writeString(with.resolve("policy.yaml"), "version: 1\nsandbox: .\ntools:\n" + rules);
    guarded =
        ChildJvm.in(with)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .app(PoolApp.class, String.valueOf(portA), String.valueOf(portB));
  }

  @Test
  void withoutToolguardEveryToolReachesBOnThePooledConnection() {
    assertThat(unguarded.stdout().lines())
        .as(unguarded.toString())
        .containsExactly(
            "HttpURLConnection, B pooled: ran: B, on the pooled connection [B +1]",
            "HttpClient.send, B pooled: ran: B, on the pooled connection [B +1]",
            "HttpClient.sendAsync, B pooled: ran: B, on the pooled connection [B +1]",
            "HttpClient on the application's executor, B pooled: ran: B, on the pooled connection"
                + " [B +1]",
            "HttpURLConnection through proxy B, B pooled: ran: B, on the pooled connection [B +1]",
            "HttpClient.send through proxy B, B pooled: ran: B, on the pooled connection [B +1]",
            "HttpURLConnection, A redirects to B: ran: B [B +1]",
            "HttpClient.send, A redirects to B: ran: B [B +1]",
            "HttpClient.sendAsync, A redirects to B: ran: B [B +1]",
            "HttpClient on the application's executor, A redirects to B: ran: B [B +1]",
            "new HttpClient in the tool, A redirects to B: ran: B [B +1]",
            "HttpURLConnection, A #1: ran: A [B +0]",
            "HttpClient.send, A #1: ran: A [B +0]",
            "HttpClient.sendAsync, A #1: ran: A [B +0]",
            "HttpURLConnection, A #2: ran: A [B +0]",
            "HttpClient.send, A #2: ran: A [B +0]",
            "HttpClient.sendAsync, A #2: ran: A [B +0]",
            "HttpURLConnection, A #3: ran: A [B +0]",
            "HttpClient.send, A #3: ran: A [B +0]",
            "HttpClient.sendAsync, A #3: ran: A [B +0]",
            "outside tools, HttpURLConnection reuses its connection to B: true",
            "outside tools, HttpClient reuses its connection to B: true");
  }

  @Test
  void withToolguardNoToolReachesBWhateverThePoolsHoldAndAStillWorks() throws Exception {
    String denied = "may not connect to (127.0.0.1) port " + portB + ": no connect grant";
    List<String> lines = guarded.stdout().lines().toList();
    assertThat(lines).as(guarded.toString()).hasSize(22);
    assertThat(lines.subList(0, 11))
        .as(guarded.toString())
        .allSatisfy(
            line -> assertThat(line).contains(": denied: Tool '", denied).endsWith("[B +0]"));
    assertThat(lines.subList(11, 20))
        .as(guarded.toString())
        .allSatisfy(line -> assertThat(line).endsWith(": ran: A [B +0]"));
    assertThat(lines.subList(20, 22))
        .containsExactly(
            "outside tools, HttpURLConnection reuses its connection to B: true",
            "outside tools, HttpClient reuses its connection to B: true");
    List<Map<String, String>> deniedLines =
        AuditLines.read(auditLog()).stream()
            .filter(line -> "net".equals(line.get("event")))
            .filter(line -> "deny".equals(line.get("decision")))
            .toList();
    assertThat(deniedLines)
        .extracting(line -> line.get("tool"))
        .contains("fetch", "send", "send_async", "send_own_executor", "send_new_client");
    assertThat(deniedLines)
        .allSatisfy(
            line ->
                assertThat(line)
                    .containsEntry("operation", "connect")
                    .containsEntry("address", "127.0.0.1:" + portB));
  }

  private Path auditLog() {
    return dir.resolve("with").resolve("audit.jsonl");
  }
}
