package io.toolguard.agent.net;

import static io.toolguard.agent.weave.Insertion.Check.checkConnect;
import static io.toolguard.agent.weave.Insertion.Check.checkListen;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.BoxedArgument;
import io.toolguard.agent.weave.Insertion.Nothing;
import java.util.List;
import java.util.Map;

/**
 * Where the JDK reaches the network. Every TCP connect and UDP connect ({@code Socket} and so
 * {@code HttpURLConnection}, {@code SocketChannel} and so {@code HttpClient}, {@code
 * AsynchronousSocketChannel}, {@code DatagramChannel} and {@code DatagramSocket}) goes through
 * {@code sun.nio.ch.Net.connect}; every datagram sent to an address through {@code
 * DatagramChannelImpl}'s private {@code send}; and a TCP server socket is bound through {@code
 * ServerSocket}, {@code ServerSocketChannel} or {@code AsynchronousServerSocketChannel}.
 */
public final class NetHooks {

  private static final String SERVER_BIND = "(Ljava/net/SocketAddress;I)";

  private NetHooks() {}

  /** {@return the hooks by internal class name} */
  public static Map<String, List<Hook>> forThisJvm() {
    return Map.of(
        "sun/nio/ch/Net",
        List.of(
            Hook.at(
                "connect",
                "(Ljava/net/ProtocolFamily;Ljava/io/FileDescriptor;Ljava/net/InetAddress;I)I",
                checkConnect(new Argument(2), new BoxedArgument(3)))),
        "sun/nio/ch/DatagramChannelImpl",
        List.of(
            Hook.at(
                "send",
                "(Ljava/io/FileDescriptor;Ljava/nio/ByteBuffer;Ljava/net/InetSocketAddress;)I",
                checkConnect(new Argument(2), new Nothing()))),
        "java/net/ServerSocket",
        List.of(listen(SERVER_BIND + "V")),
        "sun/nio/ch/ServerSocketChannelImpl",
        List.of(listen(SERVER_BIND + "Ljava/nio/channels/ServerSocketChannel;")),
        "sun/nio/ch/AsynchronousServerSocketChannelImpl",
        List.of(listen(SERVER_BIND + "Ljava/nio/channels/AsynchronousServerSocketChannel;")));
  }

  private static Hook listen(String descriptor) {
    return Hook.at("bind", descriptor, checkListen(new Argument(0)));
  }
}
