package io.toolguard.agent.approval;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import io.toolguard.agent.annotation.SuppressForbidden;
import io.toolguard.agent.audit.Json;
import io.toolguard.agent.threads.OwnThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The local approval page and its JSON API, on the JDK's own HTTP server. Every page and API call
 * needs the access token (or, to decide one request, that request's key as sent to the webhook); on
 * loopback, requests for another host name (DNS rebinding) get 403, and so do cross-site posts and
 * every request whose connection this very process opened ({@link PeerProcess}); a decision must
 * name the hash of the call it decides. The page builds everything it shows as text, from the
 * escaped {@link RequestText}, and its content security policy allows no inline script.
 */
@SuppressForbidden(
    reason =
        "the JDK's HTTP server (module jdk.httpserver) is a supported API and adds no library to the host")
final class ApprovalServer {

  private static final int MAX_BODY = 16 * 1024;
  private static final String API = "/api/requests";

  /**
   * The fields a decision may carry: a misspelt one ({@code "aprover"}) is refused rather than
   * recorded as if it were absent.
   */
  private static final List<String> DECISION_KEYS =
      List.of("decision", "call_hash", "confirm", "message", "approver");

  private static final Map<String, String> ASSETS =
      Map.of("/app.js", "text/javascript", "/app.css", "text/css");
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final Approvals approvals;
  private final String token;
  private final HttpServer server;
  private final ExecutorService workers;

  /**
   * The Host headers a loopback server answers; empty when bound elsewhere (approvers name the
   * machine as they like).
   */
  private final Set<String> hosts;

  private final String origin;

  private ApprovalServer(
      Approvals approvals, String token, HttpServer server, ExecutorService workers) {
    this.approvals = approvals;
    this.token = token;
    this.server = server;
    this.workers = workers;
    InetSocketAddress bound = server.getAddress();
    int port = bound.getPort();
    String literal = bound.getAddress().getHostAddress();
    this.hosts =
        !bound.getAddress().isLoopbackAddress()
            ? Set.of()
            : java.util.stream.Stream.of(
                    hostPort(literal, port),
                    "localhost:" + port,
                    "127.0.0.1:" + port,
                    "[::1]:" + port)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.origin = "http://" + hostPort(literal.equals("0.0.0.0") ? "127.0.0.1" : literal, port);
  }

  private static String hostPort(String literal, int port) {
    return (literal.contains(":") ? "[" + literal + "]" : literal) + ":" + port;
  }

  /**
   * Makes the server and binds it to {@code address} (port 0 for any free port), not accepting
   * until {@link #start}.
   *
   * @param provider the JDK's HTTP server provider, as {@link HttpServers#provider} chose it
   * @throws IOException if the address cannot be bound
   */
  static ApprovalServer bind(
      Approvals approvals, String token, Object provider, InetSocketAddress address)
      throws IOException {
    HttpServer server = ((HttpServerProvider) provider).createHttpServer(address, 64);
    ExecutorService workers = Executors.newFixedThreadPool(4, new WorkerThreads());
    server.setExecutor(workers);
    ApprovalServer approvalServer = new ApprovalServer(approvals, token, server, workers);
    server.createContext("/", new Requests(approvalServer));
    return approvalServer;
  }

  /**
   * Starts accepting, on daemon threads, and stops as the JVM exits.
   *
   * @throws IllegalStateException if the JVM is already exiting
   * @throws IOException if interrupted while starting
   */
  void start() throws IOException {
    // First, so that a JVM that exits from here on stops the server's dispatcher: the JVM holds
    // its exit up for 300 ms while a thread of its waits in native code, as the dispatcher does.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(new Stopping(this), "toolguard-approval-web-stop"));
    // The server's dispatcher thread takes its daemon status from the thread that starts it.
    Starting starting = new Starting(server);
    Thread starter = OwnThreads.daemon(starting, "toolguard-approval-web-start");
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the approval server");
    }
    if (!starting.started) {
      throw new IllegalStateException("the JVM is exiting");
    }
  }

  // What the HTTP server, the JVM and the webhook call back: named classes rather than lambdas or
  // method references, each of which would be a class spun while the page starts.

  /** The server's worker threads: toolguard's own daemons. */
  private static final class WorkerThreads implements ThreadFactory {
    @Override
    public Thread newThread(Runnable task) {
      return OwnThreads.daemon(task, "toolguard-approval-web");
    }
  }

  /** Every request to the page and its API. */
  @SuppressForbidden(reason = "the JDK's HTTP server, as for the class around it")
  private static final class Requests implements HttpHandler {
    private final ApprovalServer page;

    Requests(ApprovalServer page) {
      this.page = page;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      page.handle(exchange);
    }
  }

  /** Starts the server's dispatcher thread. */
  @SuppressForbidden(reason = "the JDK's HTTP server, as for the class around it")
  private static final class Starting implements Runnable {
    private final HttpServer server;
    private volatile boolean started;

    Starting(HttpServer server) {
      this.server = server;
    }

    @Override
    public void run() {
      try {
        server.start();
        started = true;
      } catch (IllegalStateException stoppedAsTheJvmExits) {
        // The exit hook stopped it first; the page's thread sees the JVM exiting.
      }
    }
  }

  /** Stops the server as the JVM exits. */
  private static final class Stopping implements Runnable {
    private final ApprovalServer page;

    Stopping(ApprovalServer page) {
      this.page = page;
    }

    @Override
    public void run() {
      page.stop();
    }
  }

  /** {@link #decisionUrl}, for the webhook. */
  private static final class DecisionUrls implements Function<ApprovalRequest, String> {
    private final ApprovalServer page;

    DecisionUrls(ApprovalServer page) {
      this.page = page;
    }

    @Override
    public String apply(ApprovalRequest request) {
      return page.decisionUrl(request);
    }
  }

  /** {@return the address the server listens on} */
  InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@return the token the page and API ask for} */
  String token() {
    return token;
  }

  /** {@return the page's origin, {@code http://host:port}} */
  String origin() {
    return origin;
  }

  /** {@return the page's address, token included} */
  String pageUrl() {
    return origin + "/?token=" + token;
  }

  /** {@return the address that decides one request, for the holder of its key} */
  String decisionUrl(ApprovalRequest request) {
    return origin + API + "/" + request.id() + "?key=" + request.key();
  }

  /** {@return {@link #decisionUrl} as a function} */
  Function<ApprovalRequest, String> decisionUrls() {
    return new DecisionUrls(this);
  }

  void stop() {
    server.stop(0);
    workers.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      respond(exchange);
    } catch (RuntimeException | LinkageError failure) {
      System.err.println(
          "toolguard: the approval server failed on "
              + exchange.getRequestURI().getPath()
              + ": "
              + failure);
      send(exchange, 500, "application/json", error("the approval server failed: " + failure));
    } finally {
      exchange.close();
    }
  }

  private void respond(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (!hosts.isEmpty()
        && !hosts.contains(String.valueOf(exchange.getRequestHeaders().getFirst("Host")))) {
      send(exchange, 403, "application/json", error("unknown Host; use " + origin));
      return;
    }
    if (!fromAnotherProcess(exchange, path)) {
      return;
    }
    if (method.equals("GET") && ASSETS.containsKey(path)) {
      send(exchange, 200, ASSETS.get(path), asset(path.substring(1)));
      return;
    }
    if (method.equals("POST") && crossSite(exchange)) {
      send(exchange, 403, "application/json", error("cross-site requests are refused"));
      return;
    }
    String id = path.startsWith(API + "/") ? path.substring(API.length() + 1) : null;
    boolean keyed =
        id != null
            && (method.equals("POST") || method.equals("GET"))
            && keyMatches(id, query.get("key"));
    if (!keyed && !tokenMatches(exchange, query)) {
      send(
          exchange,
          403,
          "application/json",
          error(
              "missing or wrong token; open the address toolguard printed"
                  + " at start-up, or send the token from its token file in the X-Toolguard-Token header"));
      return;
    }
    if (method.equals("GET") && path.equals("/")) {
      send(exchange, 200, "text/html; charset=utf-8", page());
    } else if (method.equals("GET") && path.equals(API)) {
      send(exchange, 200, "application/json", list());
    } else if (method.equals("GET") && id != null) {
      detail(exchange, id);
    } else if (method.equals("POST") && id != null) {
      decide(exchange, id, keyed ? "webhook" : "web");
    } else {
      send(exchange, 404, "application/json", error("no such page: " + method + " " + path));
    }
  }

  /**
   * Refuses, with 403 and a line on stderr, a request whose connection this very JVM opened: code
   * in the application, on whatever thread, cannot approve its own tools' calls, whatever token it
   * found. {@return whether the request may go on}
   */
  private boolean fromAnotherProcess(HttpExchange exchange, String path) throws IOException {
    PeerProcess.Peer peer = PeerProcess.of(exchange.getRemoteAddress(), exchange.getLocalAddress());
    if (peer == PeerProcess.Peer.OTHER || peer == PeerProcess.Peer.NOT_TOLD) {
      return true;
    }
    String why =
        peer == PeerProcess.Peer.THIS_PROCESS
            ? "the connection comes from this very process, and the application (or a tool in it)"
                + " may not approve its own calls"
            : "the process that opened the connection cannot be told (its socket is gone or"
                + " /proc cannot be read), so it is refused";
    System.err.println(
        "toolguard: the approval server refused "
            + exchange.getRequestMethod()
            + " "
            + CallText.visible(path)
            + " from "
            + exchange.getRemoteAddress()
            + ": "
            + why);
    send(
        exchange,
        403,
        "application/json",
        error(
            why
                + "; decide from another process: the page, curl, a bot, or the terminal"
                + " channel"));
    return false;
  }

  private static boolean crossSite(HttpExchange exchange) {
    String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    return (site != null && !site.equals("same-origin") && !site.equals("none"))
        || (origin != null && !origin.equals("http://" + host));
  }

  private boolean tokenMatches(HttpExchange exchange, Map<String, String> query) {
    String given =
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Toolguard-Token"))
            .orElse(query.get("token"));
    return same(given, token);
  }

  private boolean keyMatches(String id, String key) {
    return approvals.known(id).map(request -> same(key, request.key())).orElse(false);
  }

  private static boolean same(String given, String expected) {
    return given != null
        && MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private String list() {
    Instant now = Instant.now();
    return Json.object(
        "pending",
            new Json.Raw(
                Json.array(
                    approvals.pending().stream().map(r -> RequestJson.pending(r, now)).toList())),
        "recent",
            new Json.Raw(
                Json.array(approvals.recent().stream().map(RequestJson::settled).toList())));
  }

  /** Answers one request, waiting or recently settled, with its arguments whole. */
  private void detail(HttpExchange exchange, String id) throws IOException {
    Optional<ApprovalRequest> waiting = approvals.pending(id);
    Optional<ApprovalRequest> request = waiting.or(() -> approvals.known(id));
    if (request.isEmpty()) {
      send(exchange, 404, "application/json", error("no request " + id));
      return;
    }
    send(
        exchange,
        200,
        "application/json",
        RequestJson.detail(request.get(), Instant.now(), waiting.isPresent()));
  }

  private void decide(HttpExchange exchange, String id, String channel) throws IOException {
    String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
    if (!type.startsWith("application/json")) {
      send(exchange, 415, "application/json", error("send the decision as application/json"));
      return;
    }
    Map<String, String> body = body(exchange.getRequestBody());
    if (body == null) {
      send(
          exchange,
          400,
          "application/json",
          error(
              "the body must be a JSON object of strings, such as"
                  + " {\"decision\": \"approve\"}"));
      return;
    }
    List<String> unknown =
        body.keySet().stream().filter(key -> !DECISION_KEYS.contains(key)).sorted().toList();
    if (!unknown.isEmpty()) {
      send(
          exchange,
          400,
          "application/json",
          error(
              "unknown field"
                  + (unknown.size() == 1 ? " '" : "s '")
                  + String.join("', '", unknown)
                  + "'; a decision has only "
                  + String.join(", ", DECISION_KEYS)));
      return;
    }
    Optional<Answer.Choice> choice = Answer.Choice.byPerson(String.valueOf(body.get("decision")));
    if (choice.isEmpty()) {
      send(
          exchange,
          400,
          "application/json",
          error("'decision' must be approve, approve_session, approve_tool or deny"));
      return;
    }
    String message = choice.get() == Answer.Choice.DENY ? blankToNull(body.get("message")) : null;
    String by =
        Optional.ofNullable(blankToNull(body.get("approver"))).orElse("an unnamed approver")
            + " ("
            + exchange.getRemoteAddress().getAddress().getHostAddress()
            + ")";
    String decided = Json.object("id", id, "status", "decided");
    boolean[] answered = {false};
    Approvals.Result result =
        approvals.decide(
            id,
            new Answer(choice.get(), message, by, channel),
            body.get("call_hash"),
            body.get("confirm"),
            () -> {
              // Answered before the call wakes: the application may end as soon as it returns.
              answered[0] = true;
              try {
                send(exchange, 200, "application/json", decided);
              } catch (IOException approverGone) {
                // The decision stands; the approver can list the requests to see it.
              }
            });
    switch (result) {
      case DECIDED -> {
        if (!answered[0]) {
          send(exchange, 200, "application/json", decided);
        }
      }
      case UNKNOWN -> send(exchange, 404, "application/json", error("no request " + id));
      case ALREADY_SETTLED ->
          send(exchange, 409, "application/json", error("request " + id + " is already settled"));
      case CONFIRMATION_NEEDED ->
          send(
              exchange,
              422,
              "application/json",
              error("this call is CRITICAL: approving it needs 'confirm' set to the tool's name"));
      case HASH_MISSING ->
          send(
              exchange,
              422,
              "application/json",
              error(
                  "the decision must carry the request's 'call_hash', as listed with it, which"
                      + " binds the decision to the call you saw; nothing was decided"));
      case HASH_MISMATCH ->
          send(
              exchange,
              409,
              "application/json",
              error(
                  "'call_hash' is not the hash of the call waiting as "
                      + id
                      + ", so this decision was made about another call; read the request"
                      + " again and decide what it shows; nothing was decided"));
      case NOT_COMPARABLE ->
          send(
              exchange,
              422,
              "application/json",
              error(
                  "these arguments cannot be compared"
                      + " exactly, so they cannot be approved for the session; approve once or for the tool"));
    }
  }

  private static String blankToNull(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String trimmed = text.strip();
    return trimmed.length() > 500 ? trimmed.substring(0, 500) : trimmed;
  }

  /** {@return the body's fields if it is a JSON object of strings, else null} */
  private static Map<String, String> body(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      return null;
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    options.setCodePointLimit(MAX_BODY);
    Object parsed;
    try {
      parsed =
          new Yaml(new SafeConstructor(options)).load(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException malformed) {
      return null;
    }
    if (!(parsed instanceof Map<?, ?> fields)) {
      return null;
    }
    Map<String, String> strings = new HashMap<>();
    for (Map.Entry<?, ?> field : fields.entrySet()) {
      if (!(field.getKey() instanceof String name) || !(field.getValue() instanceof String value)) {
        return null;
      }
      strings.put(name, value);
    }
    return strings;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&", -1)) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        values.putIfAbsent(
            URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  /**
   * {@return the page, with the calls waiting now already in it}: the page's script fills in the
   * cards a moment later, and until it has, the first paint must not say that nothing waits while a
   * call does. Every value is the escaped {@link RequestText}, escaped again for HTML.
   */
  private byte[] page() throws IOException {
    String page = new String(asset("page.html"), StandardCharsets.UTF_8);
    List<ApprovalRequest> pending = approvals.pending();
    if (pending.isEmpty()) {
      return page.getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder cards = new StringBuilder();
    for (ApprovalRequest request : pending) {
      RequestText shown = request.shown();
      cards
          .append("<article class=\"request first-paint\"><h3>")
          .append(html(shown.tool()))
          .append(' ')
          .append(html(request.risk().name()))
          .append("</h3><pre class=\"arguments\">")
          .append(html(shown.arguments()))
          .append("</pre><p>Call hash <code>")
          .append(html(shown.callHash()))
          .append("</code>; loading the buttons…</p></article>");
    }
    return page.replace(
            "<span id=\"pending-count\">0</span>",
            "<span id=\"pending-count\">(" + pending.size() + ")</span>")
        .replace("<p id=\"none-pending\">", "<p id=\"none-pending\" hidden>")
        .replace("<div id=\"pending\"></div>", "<div id=\"pending\">" + cards + "</div>")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String html(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static byte[] asset(String name) throws IOException {
    try (InputStream in = ApprovalServer.class.getResourceAsStream("web/" + name)) {
      if (in == null) {
        throw new IOException("the agent jar lacks its approval page asset " + name);
      }
      return in.readAllBytes();
    }
  }

  private static String error(String message) {
    return Json.object("error", message);
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", type);
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Content-Security-Policy", CSP);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
