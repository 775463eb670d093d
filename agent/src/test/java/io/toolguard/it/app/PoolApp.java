package io.toolguard.it.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application of the pooled-connection tests. {@code PoolApp A B} serves HTTP on ports A and B
 * of 127.0.0.1 (each answer says which server and the client's port, so a reused connection shows;
 * A's {@code /to-b} redirects to B; B is also the HTTP proxy of hosts under {@code
 * .proxied.invalid}), keeps connections to B in its pools from outside any tool, and then has
 * ordinary fetching tools, given a URL, fetch B directly, through the proxy or through A's
 * redirect, and A. Prints {@code LABEL: ran: RESULT [B +N]} or {@code LABEL: denied: MESSAGE [B
 * +N]}, N being how many requests B saw during the call.
 */
public final class PoolApp {

  private static final AtomicInteger SEEN_BY_B = new AtomicInteger();

  /** Shared with the tools, built outside them, with the client's default executor. */
  private static HttpClient shared;

  /** Hosts under this domain are reached through B as an HTTP proxy; all others directly. */
  static final String PROXIED = ".proxied.invalid";

  /**
   * Shared too, with an executor of the application's own (a thread it started, taking work from
   * its own queue), which toolguard's hand-offs do not follow.
   */
  private static HttpClient ownExecutor;

  private PoolApp() {}

  /** Fetches a URL with {@code HttpURLConnection}, following redirects (the default). */
  @Tool(name = "fetch", risk = Risk.LOW)
  static String fetch(String url) throws IOException {
    return urlConnectionGet(url);
  }

  private static String urlConnectionGet(String url) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    connection.setReadTimeout(5000);
    try (InputStream in = connection.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Fetches a URL with the shared client's {@code send}. */
  @Tool(name = "send", risk = Risk.LOW)
  static String send(String url) throws Exception {
    return shared.send(get(url), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Fetches a URL with the shared client's {@code sendAsync}. */
  @Tool(name = "send_async", risk = Risk.LOW)
  static String sendAsync(String url) throws Exception {
    return shared.sendAsync(get(url), HttpResponse.BodyHandlers.ofString()).get().body();
  }

  /** Fetches a URL with the shared client that runs on the application's own executor. */
  @Tool(name = "send_own_executor", risk = Risk.LOW)
  static String sendOwnExecutor(String url) throws Exception {
    return ownExecutor.sendAsync(get(url), HttpResponse.BodyHandlers.ofString()).get().body();
  }

  /** Fetches a URL with a client of its own, following redirects. */
  @Tool(name = "send_new_client", risk = Risk.LOW)
  static String sendNewClient(String url) throws Exception {
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
    return client.send(get(url), HttpResponse.BodyHandlers.ofString()).body();
  }

  public static void main(String[] args) throws Exception {
    int portA = Integer.parseInt(args[0]);
    int portB = Integer.parseInt(args[1]);
    String a = "http://127.0.0.1:" + portA + "/";
    String b = "http://127.0.0.1:" + portB + "/";
    serve("A", portA, b, new AtomicInteger());
    serve("B", portB, b, SEEN_BY_B);
    ProxySelector proxies = throughBForProxiedHosts(portB);
    ProxySelector.setDefault(proxies);
    shared =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(proxies)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    ownExecutor =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(ownThread())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    int byUrlConnection = port(fetchOutside(b));
    call("HttpURLConnection, B pooled", () -> reuse(fetch(b), byUrlConnection));
    int bySend = port(sendOutside(shared, b));
    call("HttpClient.send, B pooled", () -> reuse(send(b), bySend));
    int bySendAsync = port(sendOutside(shared, b));
    call("HttpClient.sendAsync, B pooled", () -> reuse(sendAsync(b), bySendAsync));
    int byOwnExecutor = port(sendOutside(ownExecutor, b));
    call(
        "HttpClient on the application's executor, B pooled",
        () -> reuse(sendOwnExecutor(b), byOwnExecutor));

    String proxied = "http://api" + PROXIED + "/";
    int byUrlConnectionProxy = port(fetchOutside(proxied));
    call(
        "HttpURLConnection through proxy B, B pooled",
        () -> reuse(fetch(proxied), byUrlConnectionProxy));
    int bySendProxy = port(sendOutside(shared, proxied));
    call("HttpClient.send through proxy B, B pooled", () -> reuse(send(proxied), bySendProxy));

    fetchOutside(b);
    call("HttpURLConnection, A redirects to B", () -> server(fetch(a + "to-b")));
    sendOutside(shared, b);
    call("HttpClient.send, A redirects to B", () -> server(send(a + "to-b")));
    call("HttpClient.sendAsync, A redirects to B", () -> server(sendAsync(a + "to-b")));
    call(
        "HttpClient on the application's executor, A redirects to B",
        () -> server(sendOwnExecutor(a + "to-b")));
    call("new HttpClient in the tool, A redirects to B", () -> server(sendNewClient(a + "to-b")));

    for (int i = 1; i <= 3; i++) {
      call("HttpURLConnection, A #" + i, () -> server(fetch(a)));
      call("HttpClient.send, A #" + i, () -> server(send(a)));
      call("HttpClient.sendAsync, A #" + i, () -> server(sendAsync(a)));
    }
    int first = port(fetchOutside(b));
    System.out.println(
        "outside tools, HttpURLConnection reuses its connection to B: "
            + (port(fetchOutside(b)) == first));
    first = port(sendOutside(shared, b));
    System.out.println(
        "outside tools, HttpClient reuses its connection to B: "
            + (port(sendOutside(shared, b)) == first));
    System.exit(0);
  }

  /** Runs a tool call; prints what it returned or why it was denied, and what B saw meanwhile. */
  private static void call(String label, Callable<String> tool) {
    int before = SEEN_BY_B.get();
    String outcome;
    try {
      outcome = "ran: " + tool.call();
    } catch (Exception | Error failure) {
      SecurityException denied = denial(failure);
      outcome = denied == null ? "failed: " + failure : "denied: " + denied.getMessage();
    }
    System.out.println(label + ": " + outcome + " [B +" + (SEEN_BY_B.get() - before) + "]");
  }

  private static SecurityException denial(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SecurityException denied) {
        return denied;
      }
    }
    return null;
  }

  /** {@return which server answered, and whether on the pooled connection} */
  private static String reuse(String body, int pooledPort) {
    return server(body)
        + (port(body) == pooledPort ? ", on the pooled connection" : ", on a new connection");
  }

  private static String server(String body) {
    return body.substring(0, body.indexOf(' '));
  }

  private static int port(String body) {
    return Integer.parseInt(body.substring(body.lastIndexOf(' ') + 1));
  }

  private static String fetchOutside(String url) throws IOException {
    return urlConnectionGet(url);
  }

  private static String sendOutside(HttpClient client, String url) throws Exception {
    return client.send(get(url), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).build();
  }

  /**
   * Serves "{@code NAME from port CLIENT_PORT}" on every path but {@code /to-b}, which redirects to
   * B; keeps connections alive.
   */
  private static void serve(String name, int port, String b, AtomicInteger seen)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    server.createContext(
        "/",
        exchange -> {
          seen.incrementAndGet();
          if (exchange.getRequestURI().getPath().equals("/to-b")) {
            exchange.getResponseHeaders().add("Location", b);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
          }
          answer(exchange, name + " from port " + exchange.getRemoteAddress().getPort());
        });
    server.start();
  }

  private static void answer(HttpExchange exchange, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The application's proxy settings: B for hosts under {@link #PROXIED}, none for others. */
  private static ProxySelector throughBForProxiedHosts(int portB) {
    Proxy proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", portB));
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(uri.getHost().endsWith(PROXIED) ? proxy : Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress address, IOException failure) {}
    };
  }

  /** One thread the application starts, outside any tool, running work from its own queue. */
  private static Executor ownThread() {
    BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    Thread worker =
        new Thread(
            () -> {
              while (true) {
                try {
                  queue.take().run();
                } catch (InterruptedException stop) {
                  return;
                } catch (RuntimeException failed) {
                  // the next task
                }
              }
            },
            "application-executor");
    worker.setDaemon(true);
    worker.start();
    return queue::add;
  }
}
