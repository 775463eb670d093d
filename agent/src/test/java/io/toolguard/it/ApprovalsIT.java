package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.toolguard.it.app.ApprovalApp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Calls that need a person wait in a real child JVM until the test decides them through the
 * approval API.
 */
class ApprovalsIT {

  @TempDir Path dir;

  private final int port = freePort();

  private static int freePort() {
    try {
      return ApprovalApi.freePort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String policy(String timeout) {
    return ApprovalPolicy.of(ApprovalPolicy.page(port, timeout), "");
  }

  private ApprovalApi api() throws Exception {
    return ApprovalApi.await(dir.resolve("approval.token"), port);
  }

  private CompletableFuture<ChildJvm.Result> start(String policy, String... scenario)
      throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), policy);
    List<String> args = new ArrayList<>(List.of("markers"));
    args.addAll(List.of(scenario));
    return ChildJvm.in(dir)
        .agent("policy=policy.yaml,audit=audit.jsonl")
        .inBackground(ApprovalApp.class, args.toArray(String[]::new));
  }

  private List<Map<String, String>> approvalEvents() throws Exception {
    return AuditLines.read(dir.resolve("audit.jsonl")).stream()
        .filter(line -> "approval".equals(line.get("event")))
        .toList();
  }

  /**
   * At JVM start the page listens only after {@code premain}: a tool that runs from {@code main}'s
   * first moment, while the page starts and just after, reads no token file and reaches no page,
   * and the call that needs a person is not approved by it (nobody answers: it times out).
   */
  @Test
  void aToolRunningWhileThePageStartsNeitherReadsItsTokenNorApprovesACall() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        ApprovalPolicy.of(
            ApprovalPolicy.page(port, "3s"),
            """
            early_reader:
              decision: allow
              files:
                read: ["**"]
            early_lister:
              decision: allow
              net:
                connect: ["127.0.0.1:*"]
            """
                .indent(2)));
    // Without the agent, the tool reads what lies where the page writes its token file, and the
    // call runs without asking anybody.
    Files.writeString(dir.resolve("approval.token"), "planted-token\n");
    ChildJvm.Result plain =
        ChildJvm.in(dir).app(ApprovalApp.class, "markers", "early", String.valueOf(port));
    assertThat(plain.stdout())
        .as(plain.toString())
        .contains("early-read: ran: read the token planted-token", "transfer: ran");
    Files.delete(dir.resolve("markers/transfer-eve-7"));
    Files.delete(dir.resolve("approval.token"));

    ChildJvm.Result guarded =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .app(ApprovalApp.class, "markers", "early", String.valueOf(port));

    assertThat(guarded.stdout())
        .as(guarded.toString())
        .containsPattern("early-read: ran: denied (once|every time), also once the page listened")
        .contains(
            "may not connect to (127.0.0.1) port "
                + port
                + ": a tool may not reach the approval server")
        .contains("transfer: denied: ")
        .doesNotContain("planted-token", "transfer: ran");
    assertThat(guarded.stderr()).contains("toolguard: approve calls at http://127.0.0.1:" + port);
    assertThat(dir.resolve("markers/transfer-eve-7")).doesNotExist();
    assertThat(approvalEvents())
        .filteredOn(line -> !"pending".equals(line.get("status")))
        .singleElement()
        .satisfies(line -> assertThat(line).containsEntry("status", "timed_out"));
  }

  @Test
  void eachKindOfDecisionReachesTheCallAndTheAuditLog() throws Exception {
    CompletableFuture<ChildJvm.Result> child = start(policy("60s"), "decisions");
    ApprovalApi api = api();

    Map<String, Object> alice = api.awaitPendingWithArguments("alice");
    assertThat(alice)
        .containsEntry("tool", "transfer")
        .containsEntry("risk", "HIGH")
        .containsEntry("method", "io.toolguard.it.app.RiskyTools#transfer")
        .containsEntry("arguments", "account=\"alice\", cents=100")
        .containsEntry("thread", "main")
        .containsEntry("needs_confirmation", false);
    assertThat((Integer) alice.get("seconds_left")).isBetween(50, 60);
    assertThat(
            api.decide(
                    alice.get("id"), "{\"decision\":\"approve\",\"approver\":\"alice-approver\"}")
                .statusCode())
        .isEqualTo(200);
    assertThat(api.decide(alice.get("id"), "{\"decision\":\"deny\"}").statusCode())
        .as("already settled")
        .isEqualTo(409);
    assertThat(api.decide("0000", "{\"decision\":\"deny\"}").statusCode())
        .as("unknown")
        .isEqualTo(404);

    Map<String, Object> mallory = api.awaitPendingWithArguments("cents=10000000");
    assertThat(api.decide(mallory.get("id"), "{\"decision\":\"maybe\"}").statusCode())
        .isEqualTo(400);
    assertThat(api.decide(mallory.get("id"), "not json").statusCode()).isEqualTo(400);
    HttpResponse<String> misspelt =
        api.decide(mallory.get("id"), "{\"decision\":\"approve\",\"aprover\":\"eve\"}");
    assertThat(misspelt.statusCode()).as("a misspelt field is refused, not ignored").isEqualTo(400);
    assertThat(misspelt.body())
        .contains(
            "unknown field 'aprover'; a decision has only decision, call_hash, confirm, message,"
                + " approver");
    assertThat(api.decide(mallory.get("id"), "{\"decision\":\"deny\"}").statusCode())
        .isEqualTo(200);

    Map<String, Object> again = api.awaitPendingWithArguments("cents=20000000");
    assertThat(
            api.decide(
                    again.get("id"),
                    "{\"decision\":\"deny\",\"message\":\"Do not move money to unknown"
                        + " accounts.\",\"approver\":\"bob\"}")
                .statusCode())
        .isEqualTo(200);

    Map<String, Object> purge = api.awaitPending(request -> "purge".equals(request.get("tool")));
    assertThat(purge).containsEntry("risk", "CRITICAL").containsEntry("needs_confirmation", true);
    HttpResponse<String> unconfirmed = api.decide(purge.get("id"), "{\"decision\":\"approve\"}");
    assertThat(unconfirmed.statusCode()).isEqualTo(422);
    assertThat(unconfirmed.body()).contains("needs 'confirm' set to the tool's name");
    assertThat(
            api.decide(purge.get("id"), "{\"decision\":\"approve\",\"confirm\":\"purg\"}")
                .statusCode())
        .isEqualTo(422);
    assertThat(
            api.decide(purge.get("id"), "{\"decision\":\"approve\",\"confirm\":\"purge\"}")
                .statusCode())
        .isEqualTo(200);

    ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "approved: ran",
            "denied: denied: Tool 'transfer' was denied by toolguard: denied by an unnamed approver (127.0.0.1) via web"
                + " after "
                + secondsOf(result, "denied")
                + " [rule policy.yaml:9]",
            "denied-with-message: denied: Do not move money to unknown accounts.",
            "critical: ran");
    assertThat(dir.resolve("markers/transfer-alice-100")).exists();
    assertThat(dir.resolve("markers/purge-cache")).exists();
    assertThat(dir.resolve("markers/transfer-mallory-10000000")).doesNotExist();
    assertThat(dir.resolve("markers/transfer-mallory-20000000")).doesNotExist();

    List<Map<String, String>> events = approvalEvents();
    assertThat(events)
        .extracting(e -> e.get("status"))
        .containsExactly(
            "pending", "approve", "pending", "deny", "pending", "deny", "pending", "approve");
    assertThat(events.get(1))
        .containsEntry("by", "alice-approver (127.0.0.1)")
        .containsEntry("channel", "web")
        .containsKey("waited_ms")
        .containsEntry("request_id", String.valueOf(alice.get("id")));
    assertThat(events.get(5))
        .containsEntry("by", "bob (127.0.0.1)")
        .containsEntry("message", "Do not move money to unknown accounts.");
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .extracting(c -> c.get("tool") + " " + c.get("decision"))
        .containsExactly("transfer allow", "transfer deny", "transfer deny", "purge allow");
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")).get(0).get("reason"))
        .startsWith("approved by alice-approver (127.0.0.1) via web after ");
  }

  private static String secondsOf(ChildJvm.Result result, String label) {
    String line =
        result.stdout().lines().filter(l -> l.startsWith(label + ":")).findFirst().orElseThrow();
    return line.replaceAll(".* after ([0-9.]+ s) .*", "$1");
  }

  @Test
  void approvalsForTheSessionCoverTheSameArgumentsOrTheWholeToolUntilTheJvmEnds() throws Exception {
    CompletableFuture<ChildJvm.Result> child = start(policy("60s"), "session");
    ApprovalApi api = api();

    api.decide(
        api.awaitPendingWithArguments("cents=5").get("id"), "{\"decision\":\"approve_session\"}");
    api.decide(
        api.awaitPendingWithArguments("cents=6").get("id"), "{\"decision\":\"approve_tool\"}");
    api.decide(
        api.awaitPending(request -> "note".equals(request.get("tool"))).get("id"),
        "{\"decision\":\"deny\"}");

    ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "first: ran",
            "same-arguments: ran",
            "other-arguments: ran",
            "any-arguments: ran",
            "other-tool: denied: Tool 'note' was denied by toolguard: denied by an unnamed approver (127.0.0.1) via web after "
                + secondsOf(result, "other-tool")
                + " [rule policy.yaml:17]");
    assertThat(approvalEvents())
        .extracting(e -> e.get("status") + (e.get("earlier") == null ? "" : " earlier"))
        .containsExactly(
            "pending",
            "approve_session",
            "approve_session earlier",
            "pending",
            "approve_tool",
            "approve_tool earlier",
            "pending",
            "deny");
  }

  @Test
  void silenceUntilTheDeadlineDeniesTheCall() throws Exception {
    ChildJvm.Result result = start(policy("2s"), "one").get(60, TimeUnit.SECONDS);

    assertThat(result.stdout())
        .as(result.toString())
        .startsWith(
            "one: denied: Tool 'transfer' was denied by toolguard: approval timed out after 2.");
    assertThat(result.stdout()).contains("silence means no [rule policy.yaml:9]");
    assertThat(dir.resolve("markers")).doesNotExist();
    assertThat(approvalEvents())
        .extracting(e -> e.get("status"))
        .containsExactly("pending", "timed_out");
  }

  @Test
  void anInterruptedWaitingThreadIsDeniedAndKeepsItsInterruptFlag() throws Exception {
    ChildJvm.Result result = start(policy("60s"), "interrupt").get(60, TimeUnit.SECONDS);

    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "interrupted: denied: Tool 'transfer' was denied by toolguard: the thread waiting for approval was interrupted"
                + " [rule policy.yaml:9]",
            "interrupt flag kept: true");
    assertThat(approvalEvents())
        .extracting(e -> e.get("status"))
        .containsExactly("pending", "interrupted");
  }

  @Test
  void theApiRefusesMissingOrWrongTokensForeignHostsAndCrossSitePosts() throws Exception {
    CompletableFuture<ChildJvm.Result> child = start(policy("60s"), "one");
    ApprovalApi api = api();
    Object id = api.awaitPendingWithArguments("dave").get("id");
    String approve = "{\"decision\":\"approve\"}";
    URI list = URI.create(api.url("/api/requests"));
    URI decide = URI.create(api.url("/api/requests/" + id));

    assertThat(api.send(HttpRequest.newBuilder(list).build()).statusCode())
        .as("no token")
        .isEqualTo(403);
    assertThat(
            api.send(
                    HttpRequest.newBuilder(list)
                        .header(
                            "X-Toolguard-Token",
                            (api.token.startsWith("0") ? "1" : "0") + api.token.substring(1))
                        .build())
                .statusCode())
        .as("wrong token")
        .isEqualTo(403);
    assertThat(api.send(HttpRequest.newBuilder(URI.create(api.url("/"))).build()).statusCode())
        .as("page without token")
        .isEqualTo(403);
    assertThat(api.send(post(decide, approve).build()).statusCode())
        .as("post without token")
        .isEqualTo(403);
    assertThat(api.send(post(URI.create(decide + "?key=00"), approve).build()).statusCode())
        .as("wrong key")
        .isEqualTo(403);
    assertThat(
            api.send(
                    post(decide, approve)
                        .header("X-Toolguard-Token", api.token)
                        .header("Origin", "http://evil.example")
                        .build())
                .statusCode())
        .as("cross-origin")
        .isEqualTo(403);
    assertThat(
            api.send(
                    post(decide, approve)
                        .header("X-Toolguard-Token", api.token)
                        .header("Sec-Fetch-Site", "cross-site")
                        .build())
                .statusCode())
        .as("cross-site")
        .isEqualTo(403);
    assertThat(
            api.send(
                    post(decide, approve)
                        .header("X-Toolguard-Token", api.token)
                        .setHeader("Content-Type", "text/plain")
                        .build())
                .statusCode())
        .as("form-like post")
        .isEqualTo(415);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(
              ("GET /api/requests HTTP/1.1\r\nHost: rebound.evil.example:"
                      + port
                      + "\r\nX-Toolguard-Token: "
                      + api.token
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(
              new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          socket.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine())
          .as("another host name")
          .startsWith("HTTP/1.1 403");
    }
    assertThat(api.pending()).as("nothing above decided it").hasSize(1);

    HttpResponse<String> page =
        api.send(HttpRequest.newBuilder(URI.create(api.url("/?token=" + api.token))).build());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(Files.getPosixFilePermissions(dir.resolve("approval.token")))
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");

    assertThat(api.decide(id, approve).statusCode()).isEqualTo(200);
    assertThat(child.get(60, TimeUnit.SECONDS).stdout()).startsWith("one: ran");
  }

  private static HttpRequest.Builder post(URI uri, String json) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  @Test
  void noToolReachesTheApprovalServerByAnyRouteWhileTheApplicationItselfDoes() throws Exception {
    ChildJvm.Result result =
        start(policy("60s"), "self-approval", String.valueOf(port)).get(60, TimeUnit.SECONDS);

    String denial =
        "Tool '%s' may not connect to %s port "
            + port
            + ": a tool may not reach the approval server,"
            + " where calls are approved [rule policy.yaml:21]";
    String byAddress = "(127.0.0.1)";
    assertThat(AsyncFailures.unwrapped(result.stdout()))
        .as(result.toString())
        .containsExactly(
            "outside a tool: connected",
            "socket: denied: " + denial.formatted("self_socket", byAddress),
            "socket-channel: denied: " + denial.formatted("self_channel", "localhost " + byAddress),
            // The channel hands its connect's failure to the future, and HttpURLConnection wraps
            // it, too.
            "async-channel: failed: java.lang.SecurityException: "
                + denial.formatted("self_async", byAddress),
            "http-url-connection: failed: java.lang.SecurityException: "
                + denial.formatted("self_url", byAddress),
            "http-client: denied: " + denial.formatted("self_client", byAddress),
            "thread: denied: java.lang.SecurityException: "
                + denial.formatted("self_thread", byAddress),
            "other-port: ran");
    assertThat(AuditLines.read(dir.resolve("audit.jsonl")))
        .filteredOn(line -> "net".equals(line.get("event")) && "deny".equals(line.get("decision")))
        .hasSize(6);
  }

  @Test
  void aDecisionMustNameTheHashOfTheCallItApprovesAndOneForAnotherCallIsRefused() throws Exception {
    CompletableFuture<ChildJvm.Result> child = start(policy("60s"), "one");
    ApprovalApi api = api();
    Map<String, Object> request = api.awaitPendingWithArguments("dave");
    Object id = request.get("id");
    String hash = (String) request.get("call_hash");
    assertThat(hash).matches("[0-9a-f]{16}");

    HttpResponse<String> missing = api.decideExactly(id, "{\"decision\":\"approve\"}");
    assertThat(missing.statusCode()).as(missing.body()).isEqualTo(422);
    assertThat(missing.body()).contains("call_hash");
    String otherHash = hash.equals("0123456789abcdef") ? "fedcba9876543210" : "0123456789abcdef";
    HttpResponse<String> other =
        api.decideExactly(id, "{\"decision\":\"approve\",\"call_hash\":\"" + otherHash + "\"}");
    assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
    assertThat(other.body()).contains("another call");
    assertThat(api.pending()).extracting(r -> r.get("id")).containsExactly(id);
    assertThat(dir.resolve("markers/transfer-dave-1")).doesNotExist();

    HttpResponse<String> right =
        api.decideExactly(id, "{\"decision\":\"approve\",\"call_hash\":\"" + hash + "\"}");
    assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
    assertThat(child.get(60, TimeUnit.SECONDS).stdout()).startsWith("one: ran");
    assertThat(dir.resolve("markers/transfer-dave-1")).exists();
  }

  @Test
  void theApiShowsHostileArgumentsEscapedAndLongOnesShortenedWithTheWholeOnRequest()
      throws Exception {
    CompletableFuture<ChildJvm.Result> child = start(policy("60s"), "hostile-and-long");
    ApprovalApi api = api();

    Map<String, Object> hostile = api.awaitPendingWithArguments("report.txt");
    assertThat(ApprovalApp.HOSTILE).as("the raw argument").contains("\u001b", "\r", "\u202e");
    assertThat(hostile.get("arguments"))
        .isEqualTo(
            "text=\"report.txt\\r\\e[2K  arguments  path=\"report.txt\"\\e[8m"
                + " hidden\\u{202E}txt.exe\"");
    assertThat(hostile).containsEntry("arguments_shortened", false);
    api.decide(hostile.get("id"), "{\"decision\":\"approve\"}");

    Map<String, Object> longOne = api.awaitPendingWithArguments("aaaa");
    assertThat(longOne.get("arguments"))
        .isEqualTo(
            "text=\""
                + "a".repeat(200)
                + "…"
                + "z".repeat(80)
                + "\" ("
                + String.format(java.util.Locale.ROOT, "%,d", ApprovalApp.LONG.length())
                + " chars)");
    assertThat(longOne).containsEntry("arguments_shortened", true);
    Map<String, Object> whole = api.detail(longOne.get("id"));
    assertThat(whole.get("arguments_full"))
        .isEqualTo("text=\"" + ApprovalApp.LONG.replace("\u001b", "\\e") + "\"");
    assertThat(whole).containsEntry("call_hash", longOne.get("call_hash"));
    api.decide(longOne.get("id"), "{\"decision\":\"approve\"}");

    assertThat(child.get(60, TimeUnit.SECONDS).stdout())
        .as("both ran")
        .isEqualTo("hostile: ran\nlong: ran\n");
  }

  @Test
  void codeOfTheApplicationOutsideEveryToolCannotApproveItsCallsWhileAnotherProcessCan()
      throws Exception {
    CompletableFuture<ChildJvm.Result> child =
        start(policy("60s"), "in-process-approver", String.valueOf(port));
    ApprovalApi api = api();
    Map<String, Object> request = api.awaitPendingWithArguments("dave");
    Object id = request.get("id");
    Path order = dir.resolve("approve-me.tmp");
    Files.writeString(order, id + " " + request.get("call_hash"));
    Files.move(order, dir.resolve("approve-me.txt"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

    Path outcome = dir.resolve("in-process.txt");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(outcome) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Files.readString(outcome))
        .as("the application's own approval and listing")
        .isEqualTo("POST 403, GET 403");
    assertThat(api.pending()).extracting(r -> r.get("id")).as("still waiting").containsExactly(id);
    assertThat(dir.resolve("markers/transfer-dave-1")).doesNotExist();

    // The same approval from another process, this test's JVM, goes through.
    HttpResponse<String> fromAnotherProcess =
        api.decide(id, "{\"decision\":\"approve\",\"approver\":\"the application itself\"}");
    assertThat(fromAnotherProcess.statusCode()).as(fromAnotherProcess.body()).isEqualTo(200);
    ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
    assertThat(result.stdout()).as(result.toString()).startsWith("one: ran");
    assertThat(result.stderr())
        .contains(
            "toolguard: the approval server refused POST /api/requests/" + id + " from /127.0.0.1:")
        .contains("the connection comes from this very process");
  }

  @Test
  void aWebhookGetsASignedRequestAndDecidesItThroughItsDecisionUrl() throws Exception {
    LinkedBlockingQueue<String[]> posts = new LinkedBlockingQueue<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          posts.add(
              new String[] {
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                exchange.getRequestHeaders().getFirst("X-Toolguard-Signature")
              });
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    hook.start();
    try {
      String webhook =
          "webhook:\n  url: http://127.0.0.1:"
              + hook.getAddress().getPort()
              + "/hook\n"
              + "  secret_env: HOOK_SECRET";
      Files.writeString(
          dir.resolve("policy.yaml"),
          ApprovalPolicy.of(ApprovalPolicy.page(port, "60s") + webhook, ""));
      CompletableFuture<ChildJvm.Result> child =
          ChildJvm.in(dir)
              .agent("policy=policy.yaml,audit=audit.jsonl")
              .env("HOOK_SECRET", "s3cret")
              .inBackground(ApprovalApp.class, "markers", "hostile");

      String[] post = posts.poll(30, TimeUnit.SECONDS);
      assertThat(post).as("the webhook was called").isNotNull();
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      assertThat(post[1])
          .isEqualTo(
              "sha256="
                  + HexFormat.of()
                      .formatHex(mac.doFinal(post[0].getBytes(StandardCharsets.UTF_8))));
      @SuppressWarnings("unchecked")
      Map<String, Object> request = (Map<String, Object>) new Yaml().load(post[0]);
      assertThat(request)
          .containsEntry("tool", "note")
          .containsEntry("risk", "HIGH")
          .containsEntry(
              "arguments",
              "text=\"report.txt\\r\\e[2K  arguments  path=\"report.txt\"\\e[8m"
                  + " hidden\\u{202E}txt.exe\"")
          .containsKeys("id", "deadline", "call_hash");
      assertThat(post[0]).as("no raw control or bidi character").doesNotContain("\u001b", "\u202e");
      String hash = (String) request.get("call_hash");
      assertThat(api().pending())
          .singleElement()
          .satisfies(listed -> assertThat(listed).containsEntry("call_hash", hash));
      String decisionUrl = (String) request.get("decision_url");
      assertThat(decisionUrl)
          .startsWith("http://127.0.0.1:" + port + "/api/requests/" + request.get("id") + "?key=");

      HttpResponse<String> read =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(decisionUrl)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(read.body()).contains("\"arguments_full\":", "\"call_hash\":\"" + hash);
      HttpResponse<String> otherCall =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  post(
                          URI.create(decisionUrl),
                          "{\"decision\":\"approve\",\"call_hash\":\"0000000000000000\"}")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(otherCall.statusCode()).as(otherCall.body()).isEqualTo(409);
      HttpResponse<String> noHash =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  post(URI.create(decisionUrl), "{\"decision\":\"approve\"}").build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(noHash.statusCode()).as(noHash.body()).isEqualTo(422);
      HttpResponse<String> decided =
          java.net.http.HttpClient.newBuilder()
              .version(java.net.http.HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  post(
                          URI.create(decisionUrl),
                          "{\"decision\":\"approve\",\"approver\":\"chat-ops\",\"call_hash\":\""
                              + hash
                              + "\"}")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> again =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  post(
                          URI.create(decisionUrl),
                          "{\"decision\":\"deny\",\"call_hash\":\"" + hash + "\"}")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
      assertThat(decided.statusCode()).as(decided.body() + result).isEqualTo(200);
      assertThat(again.statusCode()).as("the key decides once").isEqualTo(409);
      assertThat(result.stdout()).as(result.toString()).startsWith("hostile: ran");
      assertThat(approvalEvents().get(1))
          .containsEntry("channel", "webhook")
          .containsEntry("by", "chat-ops (127.0.0.1)");
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void twoHundredConcurrentWaitingCallsAreEachDecidedAsTheirOwnDecisionSays() throws Exception {
    int calls = 200;
    CompletableFuture<ChildJvm.Result> child =
        start(policy("120s"), "concurrent", String.valueOf(calls));
    ApprovalApi api = api();
    List<Map<String, Object>> pending = api.pending();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (pending.size() < calls && System.nanoTime() < deadline) {
      Thread.sleep(50);
      pending = api.pending();
    }
    assertThat(pending).hasSize(calls);

    java.util.concurrent.ExecutorService deciders =
        java.util.concurrent.Executors.newFixedThreadPool(16);
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    for (Map<String, Object> request : pending) {
      int n = Integer.parseInt(String.valueOf(request.get("arguments")).replaceAll(".*cents=", ""));
      String decision =
          n % 2 == 0
              ? "{\"decision\":\"approve\"}"
              : "{\"decision\":\"deny\",\"message\":\"no to call " + n + "\"}";
      answers.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return api.decide(request.get("id"), decision).statusCode();
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              },
              deciders));
    }
    assertThat(answers).extracting(CompletableFuture::join).containsOnly(200);
    deciders.shutdown();

    ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < calls; n++) {
      expected.add(n % 2 == 0 ? "call " + n + ": ran" : "call " + n + ": denied: no to call " + n);
      assertThat(dir.resolve("markers/transfer-acct" + n + "-" + n).toFile().exists())
          .isEqualTo(n % 2 == 0);
    }
    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(approvalEvents())
        .filteredOn(e -> !"pending".equals(e.get("status")))
        .hasSize(calls)
        .extracting(e -> e.get("request_id"))
        .doesNotHaveDuplicates();
  }

  /**
   * Reports how long a call takes from its approval being sent to its body starting: both ends read
   * the same monotonic clock (one machine), the body writes its reading into its marker.
   */
  @Test
  void measuresTheTimeFromADecisionToTheToolBodyStarting() throws Exception {
    int calls = 50;
    CompletableFuture<ChildJvm.Result> child =
        start(policy("60s"), "sequential", String.valueOf(calls));
    ApprovalApi api = api();
    long[] micros = new long[calls];
    for (int n = 0; n < calls; n++) {
      Object id = api.awaitPendingWithArguments("\"seq" + n + "\"").get("id");
      long sent = System.nanoTime();
      assertThat(api.decide(id, "{\"decision\":\"approve\"}").statusCode()).isEqualTo(200);
      Path marker = dir.resolve("markers/transfer-seq" + n + "-" + n);
      while (!Files.exists(marker) || Files.size(marker) == 0) {
        Thread.sleep(1);
      }
      micros[n] = (Long.parseLong(Files.readString(marker)) - sent) / 1000;
    }
    assertThat(child.get(60, TimeUnit.SECONDS).stdout().lines())
        .hasSize(calls)
        .allMatch(line -> line.endsWith(": ran"));
    java.util.Arrays.sort(micros);
    System.out.printf(
        "decision sent -> tool body started, %d calls: median %.2f ms, p90 %.2f ms, max %.2f ms%n",
        calls,
        micros[calls / 2] / 1000.0,
        micros[calls * 9 / 10] / 1000.0,
        micros[calls - 1] / 1000.0);
  }

  @Test
  void aFileOperationAnAskGlobNamesWaitsForAPersonInsideTheRunningTool() throws Exception {
    Files.createDirectories(dir.resolve("junk"));
    for (String name : List.of("a", "b", "c", "d")) {
      Files.writeString(dir.resolve("junk/" + name + ".txt"), name);
    }
    CompletableFuture<ChildJvm.Result> child =
        start(
            ApprovalPolicy.of(
                ApprovalPolicy.page(port, "60s"),
                "  tidy:\n    decision: allow\n    files:\n      ask:\n        delete: [\"junk/**\"]\n"),
            "file-asks");
    ApprovalApi api = api();

    Map<String, Object> a = api.awaitPendingWithArguments("junk/a.txt");
    assertThat(a)
        .containsEntry("tool", "tidy")
        .containsEntry("method", "delete a file")
        .containsEntry("risk", "LOW")
        .containsEntry(
            "arguments",
            "path=\"" + dir.toRealPath().resolve("junk/a.txt") + "\" (as given: junk/a.txt)");
    api.decide(a.get("id"), "{\"decision\":\"approve\"}");
    api.decide(
        api.awaitPendingWithArguments("junk/b.txt").get("id"),
        "{\"decision\":\"deny\",\"message\":\"Keep b.\"}");
    api.decide(
        api.awaitPendingWithArguments("junk/c.txt").get("id"), "{\"decision\":\"approve_tool\"}");

    ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly("tidy a: ran", "tidy b: denied: Keep b.", "tidy c: ran", "tidy d: ran");
    assertThat(dir.resolve("junk/b.txt")).exists();
    assertThat(dir.resolve("junk/d.txt")).doesNotExist();
    assertThat(approvalEvents())
        .extracting(e -> e.get("subject") + " " + e.get("status"))
        .containsExactly(
            "delete a file pending",
            "delete a file approve",
            "delete a file pending",
            "delete a file deny",
            "delete a file pending",
            "delete a file approve_tool",
            "delete a file approve_tool");
    assertThat(AuditLines.read(dir.resolve("audit.jsonl")))
        .filteredOn(line -> "file".equals(line.get("event")))
        .extracting(line -> line.get("decision"))
        .containsExactly("allow", "deny", "allow", "allow");
  }

  @Test
  void withoutAChannelACallThatNeedsApprovalIsDeniedAtOnce() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nsandbox: .\ntools:\n  transfer:\n    decision: ask\n");
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .app(ApprovalApp.class, "markers", "one");

    assertThat(result.stdout())
        .as(result.toString())
        .isEqualTo(
            "one: denied: Tool 'transfer' was denied by toolguard:"
                + " approval required, but no approval channel is on (set 'approval:' in the policy), so it is denied"
                + " [rule policy.yaml:4]\n");
  }

  @Test
  void auditModeRunsTheCallWithoutWaitingAndLogsThatItWouldAsk() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"), policy("60s").replace("sandbox: .", "sandbox: .\nmode: audit"));
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .app(ApprovalApp.class, "markers", "one");

    assertThat(result.stdout()).as(result.toString()).isEqualTo("one: ran\n");
    assertThat(AuditLines.calls(dir.resolve("audit.jsonl")))
        .singleElement()
        .satisfies(call -> assertThat(call).containsEntry("decision", "would-ask"));
    assertThat(approvalEvents()).isEmpty();
  }
}
