package io.toolguard.agent.net;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.NetRecord;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.NetOperation;
import io.toolguard.agent.weave.FrameWalk;
import io.toolguard.bootstrap.Dispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides each connection, datagram, listening or receiving socket, Unix-domain socket and name
 * lookup a tool asks for against the {@code net} grants of the rule that allowed it. The approval
 * server is never reachable from a tool, whatever the grants say: a tool may not approve its own
 * calls.
 */
public final class NetGuard {

  /**
   * The wildcard address, made at its first use: making it at start-up initialised {@code
   * InetAddress} before {@code main}, which a hello world never needs.
   */
  private static final class Wildcard {
    static final InetAddress ANY = new InetSocketAddress(0).getAddress();
  }

  static final String SELF_APPROVAL =
      "a tool may not reach the approval server, where calls are approved";

  /** What a name lookup is called in denials, approvals and the audit log. */
  static final String RESOLVE = "resolve";

  private static final String LOCALHOST = "localhost";
  private static final String INET_ADDRESS = "java.net.InetAddress";
  private static final StackWalker STACK = StackWalker.getInstance();

  /** What {@code checkReceive} is given as the address when a datagram channel receives. */
  static final String RECEIVE = "receive";

  private final AccessGate gate;

  /** Where the approval server listens, or will: at JVM start it binds after {@code premain}. */
  private final Supplier<Optional<InetSocketAddress>> approvalServer;

  /** The datagram channels allowed to receive, each with the tool call it was allowed for. */
  private final Map<DatagramChannel, ToolContext> receiving =
      Collections.synchronizedMap(new WeakHashMap<>());

  public NetGuard(AccessGate gate, Supplier<Optional<InetSocketAddress>> approvalServer) {
    this.gate = gate;
    this.approvalServer = approvalServer;
  }

  /**
   * Decides one access; see {@link Dispatcher#checkConnect} and {@link Dispatcher#checkListen} for
   * what arrives as {@code target} and {@code detail}.
   */
  public void check(ToolContext context, NetOperation operation, Object target, Object detail) {
    InetAddress address;
    int port;
    if (target instanceof InetAddress given) {
      address = given;
      port = (Integer) detail;
    } else if (target instanceof InetSocketAddress socket && !socket.isUnresolved()) {
      address = socket.getAddress();
      port = socket.getPort();
    } else if (target == null && operation == NetOperation.LISTEN) {
      address = Wildcard.ANY;
      port = 0;
    } else if (target instanceof Path socket) {
      checkSocket(context, operation, socket);
      return;
    } else {
      // An unresolved address, which the JDK refuses itself.
      return;
    }
    String name = nameGiven(address);
    String shown =
        (name == null ? "" : name + " ") + "(" + address.getHostAddress() + ") port " + port;
    boolean selfApproval =
        operation == NetOperation.CONNECT && reachesApprovalServer(address, port);
    gate.check(
        context,
        NetAccess.reaching(
            operation,
            shown,
            name,
            address.getHostAddress() + ":" + port,
            level ->
                selfApproval
                    ? AccessDecision.denied(SELF_APPROVAL)
                    : level
                        .policy()
                        .policy()
                        .decideNet(level.decision(), operation, name, address, port)));
  }

  /**
   * Decides a name lookup; see {@link Dispatcher#checkResolve} for what arrives as {@code target}.
   * Only names and addresses the tool's connect or listen grants name may be looked up: the lookup
   * itself sends the name (or the address) to the name servers, so {@code
   * exfil-<secret>.attacker.example} would leak the secret before any connect is checked.
   * toolguard's own lookups while it decides a connect run while the thread is checking, so they
   * are not checked again.
   */
  public void resolve(ToolContext context, Object target) {
    if (target instanceof String host && host.equalsIgnoreCase(LOCALHOST)) {
      // Answered on this machine, and a fixed name carries nothing out.
      return;
    }
    String name = target instanceof String host ? host : null;
    InetAddress address = name == null ? (InetAddress) target : null;
    String given = address == null ? null : nameGiven(address);
    String looked = name != null ? name : "(" + address.getHostAddress() + ")";
    AccessGate.Access lookup =
        new NetAccess(
            RESOLVE,
            name != null ? "resolve the host name " + name : "look up the host name of " + looked,
            looked,
            name != null ? name : given,
            address == null ? null : address.getHostAddress(),
            level -> level.policy().policy().decideResolve(level.decision(), name, address, given));
    AccessGate.Ruling ruling = AccessGate.rule(context, lookup);
    if (ruling.allowed() || name == null || !looksUpThisMachine()) {
      gate.settle(context, lookup, ruling);
    }
  }

  /**
   * {@return whether the lookup is {@code InetAddress.getLocalHost}'s, of this machine's own name}:
   * a name no tool chooses, so it carries nothing out, and libraries ask for it as they please.
   * Asked only when the lookup would otherwise be denied.
   */
  private static boolean looksUpThisMachine() {
    return STACK.walk(LOOKS_UP_THIS_MACHINE);
  }

  /**
   * {@link #looksUpThisMachine}'s walk: whether, in the first run of {@code InetAddress} frames on
   * the stack, one is {@code getLocalHost}.
   */
  private static final FrameWalk<Boolean> LOOKS_UP_THIS_MACHINE = new LooksUpThisMachine();

  private static final class LooksUpThisMachine extends FrameWalk<Boolean> {
    @Override
    protected Boolean walk(Iterator<StackWalker.StackFrame> frames) {
      boolean inside = false;
      while (frames.hasNext()) {
        StackWalker.StackFrame frame = frames.next();
        if (frame.getClassName().startsWith(INET_ADDRESS)) {
          inside = true;
          if (frame.getMethodName().equals("getLocalHost")) {
            return true;
          }
        } else if (inside) {
          return false;
        }
      }
      return false;
    }
  }

  /**
   * Decides a datagram channel's bind, multicast join or receive as listening (see {@link
   * Dispatcher#checkReceive}). Binding a port of its choosing is listening there. An ephemeral port
   * (port 0, as {@code new DatagramSocket()} and the bind before a first send ask for) is a
   * client's: it is decided when the channel receives while not connected, since anyone may then
   * send to it; a connected channel receives only from the address its connect was decided on.
   * Joining a group is listening on the group's address at the channel's port. Once allowed, a
   * channel is not decided again in the same tool call, so that a person is asked once.
   */
  public void receive(ToolContext context, DatagramChannel channel, Object address) {
    if (receiving.get(channel) == context) {
      return;
    }
    InetSocketAddress local;
    try {
      if (address instanceof InetAddress group) {
        local = new InetSocketAddress(group, localPort(channel));
      } else if (address instanceof InetSocketAddress bind) {
        if (bind.getPort() == 0) {
          return;
        }
        local = bind;
      } else if (RECEIVE.equals(address) && !channel.isConnected()) {
        InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        local = bound != null ? bound : new InetSocketAddress(Wildcard.ANY, 0);
      } else {
        // An ephemeral bind (decided when the channel receives), a connected channel's receive,
        // or an address the JDK refuses itself.
        return;
      }
    } catch (IOException unknown) {
      // A channel whose address cannot be read (closed, say) is not let through unchecked.
      throw new UncheckedIOException(unknown);
    }
    check(context, NetOperation.LISTEN, local, null);
    receiving.put(channel, context);
  }

  private static int localPort(DatagramChannel channel) throws IOException {
    InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
    return bound == null ? 0 : bound.getPort();
  }

  /**
   * Decides a connect to, or a bind of, a Unix-domain socket on the {@code unix:} patterns of the
   * net grants; the file grants were decided on the same path just before, by the file check.
   *
   * @param socket where the socket's path really leads, as the file check handed it on
   */
  private void checkSocket(ToolContext context, NetOperation operation, Path socket) {
    Path real = socket.toAbsolutePath().normalize();
    String shown = "unix:" + real;
    gate.check(
        context,
        NetAccess.reaching(
            operation,
            shown,
            null,
            shown,
            level -> level.policy().policy().decideSocket(level.decision(), operation, real)));
  }

  /**
   * {@return the host name the address was made from, without a lookup; null if it was made from a
   * number}
   */
  private static String nameGiven(InetAddress address) {
    String text = address.toString();
    String name = text.substring(0, text.lastIndexOf('/'));
    return name.isEmpty() || name.equals(address.getHostAddress()) ? null : name;
  }

  /**
   * The server may listen on every address, so any address of this machine on its port reaches it.
   */
  private boolean reachesApprovalServer(InetAddress address, int port) {
    Optional<InetSocketAddress> server = approvalServer.get();
    if (server.isEmpty() || port != server.get().getPort()) {
      return false;
    }
    try {
      return address.isLoopbackAddress()
          || address.isAnyLocalAddress()
          || address.equals(server.get().getAddress())
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException unknown) {
      return true;
    }
  }

  /**
   * One network access as the gate decides, asks about and records it.
   *
   * @param operation what is done ({@code connect}, {@code listen}, {@code resolve}), which also
   *     scopes approvals for the session
   * @param description what the tool tried, completing "Tool 'x' may not …"
   * @param target what it was tried on, as a person is shown it
   * @param name the host name the tool gave, or null
   * @param destination the address (and port) or socket path, or null
   * @param decider the policy's answer for one level of the tool context
   */
  private record NetAccess(
      String operation,
      String description,
      String target,
      String name,
      String destination,
      Function<ToolContext, AccessDecision> decider)
      implements AccessGate.Access {

    /** {@return a connect to, or a listen on, {@code target}: "connect to (10.0.0.1) port 80"} */
    static NetAccess reaching(
        NetOperation operation,
        String target,
        String name,
        String destination,
        Function<ToolContext, AccessDecision> decider) {
      return new NetAccess(
          operation.label(),
          operation.label() + (operation == NetOperation.CONNECT ? " to " : " on ") + target,
          target,
          name,
          destination,
          decider);
    }

    @Override
    public AccessDecision decide(ToolContext level) {
      return decider.apply(level);
    }

    @Override
    public String describe() {
      return description;
    }

    @Override
    public String subject() {
      return operation;
    }

    @Override
    public String shown() {
      return operation + " " + target;
    }

    @Override
    public AuditEntry record(
        ToolContext context, ToolContext level, Decision decision, String reason) {
      return new NetRecord(
          Instant.now(),
          context.callId(),
          context.tool(),
          operation,
          name,
          destination,
          decision,
          level.decision().rule(),
          reason,
          Thread.currentThread().getName());
    }
  }
}
