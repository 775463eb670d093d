package io.toolguard.agent.net;

import static io.toolguard.agent.weave.Insertion.Check.unpooled;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Field;
import io.toolguard.agent.weave.Insertion.Notify;
import io.toolguard.agent.weave.Insertion.OnExit;
import io.toolguard.agent.weave.Insertion.Receiver;
import io.toolguard.agent.weave.Insertion.Returned;
import io.toolguard.bootstrap.Dispatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the JDK reuses a connection instead of opening one, which {@link NetHooks}' connect check
 * would never see. A pooled connection may have been opened by anyone (the application outside
 * tools, another tool) to any destination, so inside a tool no pool hands one out: each lookup is
 * given a key nothing is pooled under, finds nothing and leaves the pool untouched, and the tool
 * opens a new connection, which is checked like any other. Nor does the application's {@code
 * ResponseCache} answer a tool's request. Redirects are followed the same way, each follow-up
 * request opening its own checked connection.
 *
 * <p>{@code HttpURLConnection} looks its keep-alive cache up and connects on the calling thread.
 * {@code java.net.http.HttpClient} does both on its own threads (its executor, which may be the
 * application's, and its selector thread, which follows redirects), so the tool context is carried
 * on the exchange itself: an exchange begun inside a tool runs each attempt's connection choice and
 * connect in that tool's context, wherever it runs.
 */
public final class PoolHooks {

  private static final String HTTP = "jdk/internal/net/http/";

  /** The request an attempt belongs to: every attempt, redirect and retry shares it. */
  private static final Field REQUEST =
      new Field(HTTP + "Exchange", "multi", "L" + HTTP + "MultiExchange;");

  private PoolHooks() {}

  /**
   * {@return the hooks by internal class name}; {@code HttpClient}'s only if this JVM has its
   * module ({@code java.net.http}), which a trimmed runtime image or a module graph may leave out
   */
  public static Map<String, List<Hook>> forThisJvm() {
    Map<String, List<Hook>> hooks = new LinkedHashMap<>(urlConnection());
    if (ModuleLayer.boot().findModule("java.net.http").isPresent()) {
      hooks.putAll(httpClient());
    }
    return hooks;
  }

  private static Map<String, List<Hook>> urlConnection() {
    return Map.of(
        // HttpURLConnection answers from the application's response cache, if it set one, before
        // it looks a name up or connects: inside a tool there is none.
        "java/net/ResponseCache",
        List.of(
            Hook.onReturn(
                "getDefault",
                "()Ljava/net/ResponseCache;",
                unpooled(new Returned(), Dispatcher.CACHE_KEY))),
        // HttpURLConnection and HttpsURLConnection: a miss whatever the URL, as the extra key part
        // (null, or the SSL socket factory) is compared by identity.
        "sun/net/www/http/KeepAliveCache",
        List.of(
            Hook.at(
                "get",
                "(Ljava/net/URL;Ljava/lang/Object;)Lsun/net/www/http/HttpClient;",
                unpooled(new Argument(1), Dispatcher.IDENTITY_KEY))));
  }

  private static Map<String, List<Hook>> httpClient() {
    return Map.of(
        // HttpClient's HTTP/1.1 pool: a miss with a proxy no pooled connection goes through.
        HTTP + "ConnectionPool",
        List.of(
            Hook.at(
                "getConnection",
                "(ZLjava/net/InetSocketAddress;Ljava/net/InetSocketAddress;)L"
                    + HTTP
                    + "HttpConnection;",
                unpooled(new Argument(2), Dispatcher.PROXY_KEY))),
        // HttpClient's HTTP/2 connections are found by the key this makes of a request.
        HTTP + "Http2Connection",
        List.of(
            Hook.onReturn(
                "keyFor",
                "(L" + HTTP + "HttpRequestImpl;)Ljava/lang/String;",
                unpooled(new Returned(), Dispatcher.NAME_KEY))),
        // send and sendAsync begin every request here, on the caller's thread.
        HTTP + "MultiExchange",
        List.of(
            Hook.at(
                "responseAsync",
                "(Ljava/util/concurrent/Executor;)Ljava/util/concurrent/CompletableFuture;",
                new Notify("exchangeStarting", new Receiver()))),
        // Each attempt (the first, a redirect's, a retry's) looks its pools up and connects here.
        HTTP + "Exchange",
        List.of(
            Hook.at(
                "responseAsyncImpl",
                "(L" + HTTP + "HttpConnection;)Ljava/util/concurrent/CompletableFuture;",
                new Notify("exchangeRunning", REQUEST),
                new OnExit("exchangeDone", REQUEST))));
  }
}
