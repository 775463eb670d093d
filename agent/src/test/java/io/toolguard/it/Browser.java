package io.toolguard.it;

import io.toolguard.agent.audit.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.yaml.snakeyaml.Yaml;

/**
 * Headless Chromium driven over the DevTools protocol (the JDK's own WebSocket client): opens a
 * page, runs JavaScript in it, and reads the results.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final Process process;
  private final WebSocket page;
  private final Map<Integer, CompletableFuture<Map<String, Object>>> replies =
      new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private Browser(Process process, WebSocket page) {
    this.process = process;
    this.page = page;
  }

  /** Starts Chromium with a fresh profile in {@code profile} and connects to its first page. */
  static Browser start(Path profile) throws Exception {
    Process process =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling("chromium.log").toFile())
            .start();
    Path activePort = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(activePort) || Files.readAllLines(activePort).size() < 2) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        process.destroyForcibly();
        throw new AssertionError(
            "Chromium did not start; see " + profile.resolveSibling("chromium.log"));
      }
      Thread.sleep(50);
    }
    int port = Integer.parseInt(Files.readAllLines(activePort).get(0).strip());
    HttpClient http = HttpClient.newHttpClient();
    String targets =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list = (List<Map<String, Object>>) new Yaml().load(targets);
    String pageUrl =
        list.stream()
            .filter(target -> "page".equals(target.get("type")))
            .map(target -> (String) target.get("webSocketDebuggerUrl"))
            .findFirst()
            .orElseThrow();
    Browser[] browser = new Browser[1];
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(pageUrl),
                new WebSocket.Listener() {
                  private final StringBuilder message = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    message.append(data);
                    if (last) {
                      browser[0].received(message.toString());
                      message.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(30, TimeUnit.SECONDS);
    browser[0] = new Browser(process, socket);
    return browser[0];
  }

  @SuppressWarnings("unchecked")
  private void received(String text) {
    Map<String, Object> message = (Map<String, Object>) new Yaml().load(text);
    Object id = message.get("id");
    if (id instanceof Integer number && replies.containsKey(number)) {
      replies.remove(number).complete(message);
    }
  }

  private Map<String, Object> call(String method, String params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
    replies.put(id, reply);
    page.sendText(Json.object("id", id, "method", method, "params", new Json.Raw(params)), true)
        .get(10, TimeUnit.SECONDS);
    Map<String, Object> answer = reply.get(30, TimeUnit.SECONDS);
    if (answer.containsKey("error")) {
      throw new AssertionError(method + " failed: " + answer.get("error"));
    }
    return answer;
  }

  /**
   * Keeps the page from loading any address matching one of {@code patterns} ({@code *} a
   * wildcard): with its script blocked, a page shows what its first paint shows.
   */
  void block(String... patterns) throws Exception {
    call("Network.enable", "{}");
    call(
        "Network.setBlockedURLs",
        Json.object(
            "urls",
            new Json.Raw(
                Json.array(
                    java.util.Arrays.stream(patterns)
                        .map(pattern -> '"' + pattern + '"')
                        .toList()))));
  }

  void open(String url) throws Exception {
    call("Page.navigate", Json.object("url", url));
  }

  /** {@return the value of a JavaScript expression in the page, as text} */
  @SuppressWarnings("unchecked")
  String eval(String expression) throws Exception {
    Map<String, Object> answer =
        call(
            "Runtime.evaluate",
            Json.object("expression", expression, "returnByValue", true, "awaitPromise", true));
    Map<String, Object> result =
        (Map<String, Object>) ((Map<String, Object>) answer.get("result")).get("result");
    if (((Map<String, Object>) answer.get("result")).containsKey("exceptionDetails")) {
      throw new AssertionError("the page threw: " + answer);
    }
    return String.valueOf(result.get("value"));
  }

  /** Waits until a JavaScript condition holds in the page. */
  void waitFor(String condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"true".equals(eval("Boolean(" + condition + ")"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the page never showed " + what + "; its text: " + eval("document.body.innerText"));
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws Exception {
    page.abort();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
