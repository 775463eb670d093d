package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An assistant application with ordinary, benign tools that take text arguments, driven by a
 * scripted "model": {@code ScriptedModelApp SCRIPT} reads one step per line, {@code call TOOL ARG…}
 * (the model calls a tool) or {@code app TOOL ARG…} (the application does the same work itself,
 * outside any tool), fields separated by tabs, with {@code \t}, {@code \n}, {@code \r}, {@code \e}
 * and a backslash, {@code u} and four hex digits standing for a tab, a line feed, a carriage
 * return, an escape and that character in arguments. Prints {@code STEP N TOOL: ran: RESULT},
 * {@code STEP N TOOL: denied: MESSAGE} or {@code STEP N TOOL: failed: EXCEPTION}.
 *
 * <p>Nothing here checks anything: the tools trust their arguments, as tools an application writes
 * for its model do. Whatever the model's arguments make them do is toolguard's to confine.
 */
public final class ScriptedModelApp {

  /** The application's one HTTP client, shared by its own code and its tools. */
  private static final HttpClient SHARED_CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  private ScriptedModelApp() {}

  @Tool(name = "read_file", risk = Risk.LOW)
  static String readFile(String path) throws IOException {
    return Work.readFile(path);
  }

  @Tool(name = "write_file", risk = Risk.LOW)
  static String writeFile(String path, String text) throws IOException {
    return Work.writeFile(path, text);
  }

  @Tool(name = "delete_file", risk = Risk.LOW)
  static String deleteFile(String path) throws IOException {
    return Work.deleteFile(path);
  }

  @Tool(name = "move_file", risk = Risk.LOW)
  static String moveFile(String from, String to) throws IOException {
    return Work.moveFile(from, to);
  }

  @Tool(name = "fetch_url", risk = Risk.LOW)
  static String fetchUrl(String url) throws IOException {
    return Work.fetchUrl(url);
  }

  @Tool(name = "fetch_url_shared_client", risk = Risk.LOW)
  static String fetchUrlSharedClient(String url) throws IOException, InterruptedException {
    return Work.fetchUrlSharedClient(url);
  }

  @Tool(name = "resolve_host", risk = Risk.LOW)
  static String resolveHost(String host) throws IOException {
    return Work.resolveHost(host);
  }

  @Tool(name = "check_host_up", risk = Risk.LOW)
  static String checkHostUp(String host) throws IOException {
    return Work.checkHostUp(host);
  }

  @Tool(name = "receive_datagram", risk = Risk.LOW)
  static String receiveDatagram(String port) throws IOException {
    return Work.receiveDatagram(port);
  }

  @Tool(name = "ask_local_service", risk = Risk.LOW)
  static String askLocalService(String socket, String question) throws IOException {
    return Work.askLocalService(socket, question);
  }

  @Tool(name = "send_message", risk = Risk.HIGH)
  static String sendMessage(String to, String text) {
    return Work.sendMessage(to, text);
  }

  /** The tools by name, as the model calls them. */
  private static final Map<String, Step> TOOLS = new LinkedHashMap<>();

  /** The same work, done by the application outside any tool. */
  private static final Map<String, Step> APPLICATION = new LinkedHashMap<>();

  static {
    TOOLS.put("read_file", a -> readFile(a[0]));
    TOOLS.put("write_file", a -> writeFile(a[0], a[1]));
    TOOLS.put("delete_file", a -> deleteFile(a[0]));
    TOOLS.put("move_file", a -> moveFile(a[0], a[1]));
    TOOLS.put("fetch_url", a -> fetchUrl(a[0]));
    TOOLS.put("fetch_url_shared_client", a -> fetchUrlSharedClient(a[0]));
    TOOLS.put("resolve_host", a -> resolveHost(a[0]));
    TOOLS.put("check_host_up", a -> checkHostUp(a[0]));
    TOOLS.put("receive_datagram", a -> receiveDatagram(a[0]));
    TOOLS.put("ask_local_service", a -> askLocalService(a[0], a[1]));
    TOOLS.put("send_message", a -> sendMessage(a[0], a[1]));
    APPLICATION.put("fetch_url", a -> Work.fetchUrl(a[0]));
    APPLICATION.put("fetch_url_shared_client", a -> Work.fetchUrlSharedClient(a[0]));
    APPLICATION.put("read_file", a -> Work.readFile(a[0]));
    APPLICATION.put("install_response_cache", a -> Work.installResponseCache(a[0], a[1]));
  }

  public static void main(String[] args) throws Exception {
    List<String> script = Files.readAllLines(Path.of(args[0]));
    int number = 0;
    for (String line : script) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      number++;
      String[] fields = line.split("\t", -1);
      Map<String, Step> table = fields[0].equals("app") ? APPLICATION : TOOLS;
      Step step = table.get(fields[1]);
      if (step == null) {
        throw new IllegalArgumentException("no " + fields[0] + " step " + fields[1]);
      }
      String[] arguments =
          Arrays.stream(fields, 2, fields.length)
              .map(ScriptedModelApp::unescape)
              .toArray(String[]::new);
      System.out.println("STEP " + number + " " + fields[1] + ": " + outcome(step, arguments));
    }
  }

  private static String outcome(Step step, String[] arguments) {
    try {
      return "ran: " + oneLine(step.run(arguments));
    } catch (SecurityException denied) {
      return "denied: " + oneLine(denied.getMessage());
    } catch (Exception failed) {
      SecurityException denied = deniedCause(failed);
      return denied != null
          ? "denied: " + oneLine(denied.getMessage())
          : "failed: " + oneLine(failed.toString());
    }
  }

  /** {@return a denial the JDK wrapped (an HTTP client's {@code IOException}, say), or null} */
  private static SecurityException deniedCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SecurityException denied) {
        return denied;
      }
    }
    return null;
  }

  private static String unescape(String field) {
    String text =
        field
            .replace("\\t", "\t")
            .replace("\\n", "\n")
            .replace("\\r", "\r")
            .replace("\\e", "\u001b");
    return java.util.regex.Pattern.compile("\\\\u([0-9A-Fa-f]{4})")
        .matcher(text)
        .replaceAll(match -> String.valueOf((char) Integer.parseInt(match.group(1), 16)));
  }

  private static String oneLine(String text) {
    return String.valueOf(text).replace("\n", "\\n");
  }

  @FunctionalInterface
  private interface Step {
    String run(String[] arguments) throws Exception;
  }

  /** What each tool does: plain code that trusts its arguments. */
  private static final class Work {

    private Work() {}

    static String readFile(String path) throws IOException {
      return Files.readString(Path.of(path));
    }

    static String writeFile(String path, String text) throws IOException {
      Files.writeString(Path.of(path), text);
      return "wrote " + text.length() + " characters";
    }

    static String deleteFile(String path) throws IOException {
      Files.delete(Path.of(path));
      return "deleted";
    }

    static String moveFile(String from, String to) throws IOException {
      Files.move(Path.of(from), Path.of(to));
      return "moved";
    }

    static String fetchUrl(String url) throws IOException {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      connection.setConnectTimeout(3000);
      connection.setReadTimeout(3000);
      try (InputStream in = connection.getInputStream()) {
        return connection.getResponseCode() + " " + new String(in.readAllBytes(), UTF8);
      }
    }

    static String fetchUrlSharedClient(String url) throws IOException, InterruptedException {
      HttpResponse<String> response =
          SHARED_CLIENT.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    }

    static String resolveHost(String host) throws IOException {
      return Arrays.stream(InetAddress.getAllByName(host))
          .map(InetAddress::getHostAddress)
          .toList()
          .toString();
    }

    static String checkHostUp(String host) throws IOException {
      return "reachable " + InetAddress.getByName(host).isReachable(1000);
    }

    static String receiveDatagram(String port) throws IOException {
      try (DatagramSocket socket =
          new DatagramSocket(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port)))) {
        socket.setSoTimeout(5000);
        DatagramPacket packet = new DatagramPacket(new byte[512], 512);
        socket.receive(packet);
        return "received "
            + new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
      }
    }

    static String askLocalService(String socket, String question) throws IOException {
      try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        channel.connect(UnixDomainSocketAddress.of(socket));
        channel.write(ByteBuffer.wrap((question + "\n").getBytes(UTF8)));
        channel.shutdownOutput();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(512);
        while (channel.read(buffer) > 0) {
          answer.write(buffer.array(), 0, buffer.position());
          buffer.clear();
        }
        return "answered " + answer.toString(UTF8);
      }
    }

    /**
     * The application caches one response: {@code body} for {@code uri}, as a proxy cache would.
     */
    static String installResponseCache(String uri, String body) {
      java.net.ResponseCache.setDefault(
          new java.net.ResponseCache() {
            @Override
            public java.net.CacheResponse get(
                URI requested, String method, Map<String, List<String>> headers) {
              if (!requested.toString().equals(uri)) {
                return null;
              }
              return new java.net.CacheResponse() {
                @Override
                public Map<String, List<String>> getHeaders() {
                  Map<String, List<String>> cached = new java.util.HashMap<>();
                  cached.put(null, List.of("HTTP/1.1 200 OK"));
                  cached.put("Content-Length", List.of(String.valueOf(body.length())));
                  return cached;
                }

                @Override
                public InputStream getBody() {
                  return new java.io.ByteArrayInputStream(body.getBytes(UTF8));
                }
              };
            }

            @Override
            public java.net.CacheRequest put(URI stored, java.net.URLConnection connection) {
              return null;
            }
          });
      return "cached " + uri;
    }

    static String sendMessage(String to, String text) {
      return "sent " + text.length() + " characters to " + to;
    }

    private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
  }
}
