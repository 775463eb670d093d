package io.toolguard.agent.net;

import static io.toolguard.agent.weave.Insertion.Check.checkConnect;
import static io.toolguard.agent.weave.Insertion.Check.checkFile;
import static io.toolguard.agent.weave.Insertion.Check.checkListen;
import static io.toolguard.agent.weave.Insertion.Check.checkReceive;
import static io.toolguard.agent.weave.Insertion.Check.checkResolve;
import static io.toolguard.bootstrap.Dispatcher.NO_FOLLOW;
import static io.toolguard.bootstrap.Dispatcher.RESOLVED;
import static io.toolguard.bootstrap.Dispatcher.WRITE;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.BoxedArgument;
import io.toolguard.agent.weave.Insertion.BoxedConstant;
import io.toolguard.agent.weave.Insertion.Constant;
import io.toolguard.agent.weave.Insertion.Nothing;
import io.toolguard.agent.weave.Insertion.Receiver;
import io.toolguard.agent.weave.Insertion.Source;
import java.util.List;
import java.util.Map;

/**
 * Where the JDK reaches the network. Every TCP connect and UDP connect ({@code Socket} and so
 * {@code HttpURLConnection}, {@code SocketChannel} and so {@code HttpClient}, {@code
 * AsynchronousSocketChannel}, {@code DatagramChannel} and {@code DatagramSocket}) goes through
 * {@code sun.nio.ch.Net.connect}; every datagram sent to an address through {@code
 * DatagramChannelImpl}'s private {@code send}; and a TCP server socket is bound through {@code
 * ServerSocket}, {@code ServerSocketChannel} or {@code AsynchronousServerSocketChannel}. A datagram
 * channel binds, joins a group and receives in {@code DatagramChannelImpl}; a name is looked up,
 * and an address's name, where {@code InetAddress} asks the name service; {@code isReachable} pings
 * from {@code InetAddress}; and a Unix-domain socket connects and binds in {@code
 * UnixDomainSockets}.
 */
public final class NetHooks {

  private static final String SERVER_BIND = "(Ljava/net/SocketAddress;I)";

  /** The port {@code InetAddress.isReachable} tries over TCP when it may not send ICMP. */
  static final int ECHO_PORT = 7;

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
                checkConnect(new Argument(2), new Nothing())),
            // Binding on purpose (DatagramSocket's constructors bind through it too), then every
            // receive and read, which first binds an unbound channel, and joining a group.
            Hook.at(
                "bind",
                "(Ljava/net/SocketAddress;)Ljava/nio/channels/DatagramChannel;",
                checkReceive(new Receiver(), new Argument(0))),
            Hook.at(
                "beginRead",
                "(ZZ)Ljava/net/SocketAddress;",
                checkReceive(new Receiver(), new Constant(NetGuard.RECEIVE))),
            Hook.at(
                "innerJoin",
                "(Ljava/net/InetAddress;Ljava/net/NetworkInterface;Ljava/net/InetAddress;)"
                    + "Ljava/nio/channels/MembershipKey;",
                checkReceive(new Receiver(), new Argument(0)))),
        // Every name lookup asks the name service here, after the cache (JDK 17 passes one more
        // argument); so does every reverse lookup (getHostName, getCanonicalHostName). isReachable
        // pings natively, never through Net.connect: it is decided as a connect to port 7 (echo).
        "java/net/InetAddress",
        List.of(
            startingWith("getAddressesFromNameService", "(Ljava/lang/String;", new Argument(0)),
            startingWith("getHostFromNameService", "(Ljava/net/InetAddress;", new Argument(0)),
            Hook.at(
                "isReachable",
                "(Ljava/net/NetworkInterface;II)Z",
                checkConnect(new Receiver(), new BoxedConstant(ECHO_PORT)))),
        // Unix-domain sockets: the path is a file the connect writes to and the bind creates, and
        // a place on the network; the file check hands on the real path, so no link swapped in
        // between can redirect the connect or the bind.
        "sun/nio/ch/UnixDomainSockets",
        List.of(
            Hook.at(
                "connect",
                "(Ljava/io/FileDescriptor;Ljava/nio/file/Path;)I",
                checkFile(new Argument(1), WRITE | RESOLVED).rewriting(),
                checkConnect(new Argument(1), new Nothing())),
            Hook.at(
                "bind",
                "(Ljava/io/FileDescriptor;Ljava/nio/file/Path;)V",
                checkFile(new Argument(1), WRITE | NO_FOLLOW | RESOLVED).rewriting(),
                checkListen(new Argument(1)))),
        "java/net/ServerSocket",
        List.of(listen(SERVER_BIND + "V")),
        "sun/nio/ch/ServerSocketChannelImpl",
        List.of(listen(SERVER_BIND + "Ljava/nio/channels/ServerSocketChannel;")),
        "sun/nio/ch/AsynchronousServerSocketChannelImpl",
        List.of(listen(SERVER_BIND + "Ljava/nio/channels/AsynchronousServerSocketChannel;")));
  }

  /** {@return a required hook on the method whose descriptor starts so, checking a lookup} */
  private static Hook startingWith(String name, String descriptorStart, Source target) {
    return new Hook(name, descriptorStart, true, List.of(checkResolve(target)), false, true);
  }

  private static Hook listen(String descriptor) {
    return Hook.at("bind", descriptor, checkListen(new Argument(0)));
  }
}
