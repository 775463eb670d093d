package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The application of the network tests. {@code NetApp OPEN GRANTED LISTEN ASK} serves TCP on OPEN
 * and GRANTED (and HTTP on GRANTED) and UDP on GRANTED, outside any tool; then, inside the tool
 * {@code net}, reaches each by every route, listens on LISTEN, and connects to ASK. Prints {@code
 * LABEL: ran: RESULT} or {@code LABEL: denied: MESSAGE}.
 */
public final class NetApp {

  private NetApp() {}

  @Tool(name = "net", risk = Risk.LOW)
  static String net(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    int open = Integer.parseInt(args[0]);
    int granted = Integer.parseInt(args[1]);
    int listen = Integer.parseInt(args[2]);
    int ask = Integer.parseInt(args[3]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int port : new int[] {open, granted, ask}) {
      acceptForever(new ServerSocket(port, 50, loopback));
    }
    try (DatagramSocket udp = new DatagramSocket(granted, loopback)) {
      Map<String, Callable<String>> routes = new LinkedHashMap<>();
      for (int port : new int[] {granted, open}) {
        String to = port == granted ? " granted" : " other";
        routes.put(
            "Socket" + to,
            () -> {
              try (Socket socket = new Socket("127.0.0.1", port)) {
                return "connected";
              }
            });
        routes.put(
            "SocketChannel" + to,
            () -> {
              try (SocketChannel channel =
                  SocketChannel.open(new InetSocketAddress(loopback, port))) {
                return "connected";
              }
            });
        routes.put(
            "AsynchronousSocketChannel" + to,
            () -> {
              try (AsynchronousSocketChannel channel = AsynchronousSocketChannel.open()) {
                channel.connect(new InetSocketAddress(loopback, port)).get();
                return "connected";
              }
            });
        routes.put(
            "HttpURLConnection" + to,
            () -> {
              HttpURLConnection connection =
                  (HttpURLConnection)
                      URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
              connection.setRequestProperty("Connection", "close");
              connection.setReadTimeout(2000);
              try (InputStream in = connection.getInputStream()) {
                return "HTTP " + connection.getResponseCode();
              } finally {
                connection.disconnect();
              }
            });
        routes.put(
            "HttpClient" + to,
            () ->
                "HTTP "
                    + HttpClient.newHttpClient()
                        .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode());
        routes.put(
            "DatagramChannel.send" + to,
            () -> {
              try (DatagramChannel channel = DatagramChannel.open()) {
                return "sent "
                    + channel.send(
                        ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(loopback, port));
              }
            });
        routes.put(
            "DatagramChannel.connect" + to,
            () -> {
              try (DatagramChannel channel = DatagramChannel.open()) {
                channel.connect(new InetSocketAddress(loopback, port));
                return "connected";
              }
            });
        routes.put(
            "DatagramSocket.send" + to,
            () -> {
              try (DatagramSocket socket = new DatagramSocket()) {
                socket.send(new DatagramPacket(new byte[] {1}, 1, loopback, port));
                return "sent";
              }
            });
      }
      routes.put(
          "address granted, reached by name",
          () -> {
            try (Socket socket = new Socket("localhost", granted)) {
              return "connected";
            }
          });
      routes.put(
          "name granted",
          () -> {
            try (Socket socket = new Socket("localhost", open)) {
              return "connected";
            }
          });
      routes.put(
          "granted name on a forged address",
          () -> {
            try (Socket socket = new Socket()) {
              socket.connect(
                  new InetSocketAddress(
                      InetAddress.getByAddress("localhost", new byte[] {10, 1, 2, 3}), open),
                  500);
              return "connected";
            }
          });
      routes.put(
          "ServerSocket granted",
          () -> {
            try (ServerSocket server = new ServerSocket(listen, 50, loopback)) {
              return "listening";
            }
          });
      routes.put(
          "ServerSocket other port",
          () -> {
            try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
              return "listening";
            }
          });
      routes.put(
          "ServerSocketChannel granted",
          () -> {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
              server.bind(new InetSocketAddress(loopback, listen));
              return "listening";
            }
          });
      routes.put(
          "ServerSocketChannel any address",
          () -> {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
              server.bind(null);
              return "listening";
            }
          });
      routes.put(
          "AsynchronousServerSocketChannel other address",
          () -> {
            try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()) {
              server.bind(new InetSocketAddress(listen));
              return "listening";
            }
          });
      routes.put(
          "asks",
          () -> {
            try (Socket socket = new Socket("127.0.0.1", ask)) {
              return "connected";
            }
          });
      routes.put(
          "asks again",
          () -> {
            try (Socket socket = new Socket("127.0.0.1", ask)) {
              return "connected";
            }
          });
      routes.forEach((label, route) -> ToolApp.call(label, () -> net(route), true));
      routes.clear();
      ToolApp.call(
          "outside a tool",
          () -> {
            try (Socket socket = new Socket("127.0.0.1", open)) {
              return "connected";
            }
          },
          true);
    }
    System.exit(0);
  }

  /** Answers every connection with a small HTTP response, on a thread started outside any tool. */
  private static void acceptForever(ServerSocket server) {
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                try (Socket client = server.accept()) {
                  client.getInputStream().read(new byte[1024]);
                  client
                      .getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                              .getBytes());
                } catch (Exception ignored) {
                  // the next connection
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
  }
}
