package io.toolguard.agent.net;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Notify;
import java.util.List;
import java.util.Map;

/**
 * Where the JDK connects a TCP socket: {@code Socket} (and so {@code HttpURLConnection}),
 * {@code SocketChannel} (and so {@code HttpClient}) and {@code AsynchronousSocketChannel}. Each gets
 * a call to {@code Dispatcher.jvmAction} with the address, so that no tool reaches the approval
 * server. Woven only when that server runs: loading these classes costs every start-up.
 */
public final class ConnectHooks {

  private ConnectHooks() {}

  /** {@return the hooks by internal class name} */
  public static Map<String, List<Hook>> forThisJvm() {
    return Map.of(
        "sun/nio/ch/NioSocketImpl", List.of(connect("connect", "(Ljava/net/SocketAddress;I)V")),
        "sun/nio/ch/SocketChannelImpl", List.of(connect("connect", "(Ljava/net/SocketAddress;)Z")),
        "sun/nio/ch/UnixAsynchronousSocketChannelImpl", List.of(connect("implConnect",
            "(Ljava/net/SocketAddress;Ljava/lang/Object;Ljava/nio/channels/CompletionHandler;)"
                + "Ljava/util/concurrent/Future;")));
  }

  private static Hook connect(String name, String descriptor) {
    return Hook.at(name, descriptor, new Notify("jvmAction", new Argument(0)));
  }
}
