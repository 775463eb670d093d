package io.toolguard.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.yaml.snakeyaml.Yaml;

/** The test's side of a child JVM's approval API: finds its token, lists and decides requests. */
final class ApprovalApi {

  final int port;
  final String token;
  private final HttpClient client = HttpClient.newHttpClient();

  /** The call hash of each request listed so far, by id. */
  private final Map<String, String> hashes = new java.util.concurrent.ConcurrentHashMap<>();

  private ApprovalApi(int port, String token) {
    this.port = port;
    this.token = token;
  }

  /** {@return a port that was free a moment ago} */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Waits for the child JVM to write its token file. If the child says its page cannot start, or
   * nothing comes within 30 s, fails with what the child printed on its standard error (the files
   * {@link ChildJvm} writes it to, in the token file's folder or the one above it).
   */
  static ApprovalApi await(Path tokenFile, int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(tokenFile) && Files.size(tokenFile) > 0) {
        return new ApprovalApi(port, Files.readString(tokenFile).strip());
      }
      String printed = childErrors(tokenFile);
      if (printed.contains("the approval web page cannot start")
          || printed.contains("the approval web page failed to start")) {
        throw new AssertionError("the child's approval page did not start:\n" + printed);
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no token file "
            + tokenFile
            + " within 30 s; the child printed:\n"
            + childErrors(tokenFile));
  }

  /**
   * For a page on port 0: waits for its token file and for the address it prints once it listens
   * ({@code toolguard: approve calls at http://HOST:PORT/…}), and takes the port from it.
   */
  static ApprovalApi awaitAnyPort(Path tokenFile) throws Exception {
    ApprovalApi found = await(tokenFile, 0);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    java.util.regex.Pattern address =
        java.util.regex.Pattern.compile("toolguard: approve calls at http://[^ /]+:(\\d+)/");
    while (System.nanoTime() < deadline) {
      java.util.regex.Matcher printed = address.matcher(childErrors(tokenFile));
      if (printed.find()) {
        return new ApprovalApi(Integer.parseInt(printed.group(1)), found.token);
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "the child printed no page address within 30 s:\n" + childErrors(tokenFile));
  }

  /** {@return what the child JVMs writing beside {@code tokenFile} printed on standard error} */
  private static String childErrors(Path tokenFile) throws IOException {
    StringBuilder printed = new StringBuilder();
    Path folder = tokenFile.toAbsolutePath().getParent();
    for (Path searched : List.of(folder, folder.getParent())) {
      try (var files = Files.list(searched)) {
        for (Path file : files.sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith("stderr") && name.endsWith(".txt")) {
            printed.append(Files.readString(file));
          }
        }
      }
    }
    return printed.toString();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> pending() throws Exception {
    return (List<Map<String, Object>>) list().get("pending");
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> list() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/requests")))
                .header("X-Toolguard-Token", token)
                .build());
    if (response.statusCode() != 200) {
      throw new AssertionError("listing failed: " + response.statusCode() + " " + response.body());
    }
    Map<String, Object> listed = (Map<String, Object>) new Yaml().load(response.body());
    for (Map<String, Object> request : (List<Map<String, Object>>) listed.get("pending")) {
      hashes.put(String.valueOf(request.get("id")), String.valueOf(request.get("call_hash")));
    }
    return listed;
  }

  /** {@return one request with its arguments whole, as {@code GET /api/requests/<id>} answers} */
  @SuppressWarnings("unchecked")
  Map<String, Object> detail(Object id) throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/requests/" + id)))
                .header("X-Toolguard-Token", token)
                .build());
    if (response.statusCode() != 200) {
      throw new AssertionError("reading failed: " + response.statusCode() + " " + response.body());
    }
    return (Map<String, Object>) new Yaml().load(response.body());
  }

  /** Waits until a pending request matches, and returns it. */
  Map<String, Object> awaitPending(Predicate<Map<String, Object>> match) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (Map<String, Object> request : pending()) {
        if (match.test(request)) {
          return request;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching request pending within 30 s; pending: " + pending());
  }

  Map<String, Object> awaitPendingWithArguments(String fragment) throws Exception {
    return awaitPending(request -> String.valueOf(request.get("arguments")).contains(fragment));
  }

  /**
   * Decides a request with {@code json}, to which the call hash listed with the request is added
   * unless {@code json} names one: as the page does, the decision is about the call that was seen.
   */
  HttpResponse<String> decide(Object id, String json) throws Exception {
    String hash = hashes.get(String.valueOf(id));
    return decideExactly(
        id,
        hash == null || json.contains("\"call_hash\"") || !json.startsWith("{")
            ? json
            : "{\"call_hash\":\"" + hash + "\"," + json.substring(1));
  }

  /** Decides a request with exactly this body. */
  HttpResponse<String> decideExactly(Object id, String json) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url("/api/requests/" + id)))
            .header("X-Toolguard-Token", token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /**
   * Sends a request; again, for up to 15 s, if the connection failed before any reply (the JDK's
   * HTTP server may close a kept-alive connection just as the client reuses it, or refuse
   * connections for a while on a loaded machine — seen for over a second on the 2-core machine with
   * builds running beside the tests), as the README tells API clients to do: a decision sent twice
   * answers 409 the second time.
   */
  HttpResponse<String> send(HttpRequest request) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (int retry = 0; ; retry++) {
      try {
        // A retry goes through a fresh client, in case the shared one's connection state is what
        // failed.
        return (retry == 0 ? client : HttpClient.newHttpClient())
            .send(request, HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException noReply) {
        if (System.nanoTime() > deadline) {
          throw noReply;
        }
        Thread.sleep(Math.min(1000L, 50L << Math.min(retry, 5)));
      }
    }
  }
}
