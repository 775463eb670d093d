package io.toolguard.agent.net;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.NetRecord;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.NetOperation;
import io.toolguard.bootstrap.Dispatcher;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides each connection, datagram and listening socket a tool asks for against the {@code net}
 * grants of the rule that allowed it. The approval server is never reachable from a tool, whatever
 * the grants say: a tool may not approve its own calls.
 */
public final class NetGuard {

  static final String SELF_APPROVAL =
      "a tool may not reach the approval server, where calls are approved";
  private static final InetAddress ANY = new InetSocketAddress(0).getAddress();

  private final AccessGate gate;
  private final Optional<InetSocketAddress> approvalServer;

  public NetGuard(AccessGate gate, Optional<InetSocketAddress> approvalServer) {
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
      address = ANY;
      port = 0;
    } else {
      // An unresolved address, which the JDK refuses itself, or a Unix-domain socket (not the
      // network).
      return;
    }
    String name = nameGiven(address);
    String shown =
        (name == null ? "" : name + " ") + "(" + address.getHostAddress() + ") port " + port;
    boolean selfApproval =
        operation == NetOperation.CONNECT && reachesApprovalServer(address, port);
    gate.check(
        context,
        new AccessGate.Access() {
          @Override
          public AccessDecision decide(ToolContext level) {
            return selfApproval
                ? AccessDecision.denied(SELF_APPROVAL)
                : level
                    .policy()
                    .policy()
                    .decideNet(level.decision(), operation, name, address, port);
          }

          @Override
          public String describe() {
            return operation.label()
                + (operation == NetOperation.CONNECT ? " to " : " on ")
                + shown;
          }

          @Override
          public String subject() {
            return operation.label();
          }

          @Override
          public String shown() {
            return operation.label() + " " + shown;
          }

          @Override
          public AuditEntry record(
              ToolContext context, ToolContext level, Decision decision, String reason) {
            return new NetRecord(
                Instant.now(),
                context.callId(),
                context.tool(),
                operation.label(),
                name,
                address.getHostAddress() + ":" + port,
                decision,
                level.decision().rule(),
                reason,
                Thread.currentThread().getName());
          }
        });
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
    if (approvalServer.isEmpty() || port != approvalServer.get().getPort()) {
      return false;
    }
    try {
      return address.isLoopbackAddress()
          || address.isAnyLocalAddress()
          || address.equals(approvalServer.get().getAddress())
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException unknown) {
      return true;
    }
  }
}
