package io.toolguard.agent.jvm;

import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.audit.JvmActionRecord;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.tool.ToolContext;
import io.toolguard.agent.tool.ToolInstrumentation;
import java.lang.reflect.Member;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Optional;
import java.time.Instant;

/**
 * Denies JVM-wide actions inside tools — exiting, shutdown hooks, native libraries, the standard
 * streams, system properties, global defaults — opening toolguard's own
 * classes up by reflection (which would let a tool switch toolguard off), and connecting to
 * toolguard's approval server (which would let a tool approve its own calls). No grant allows them
 * yet; audit mode only logs them.
 */
public final class JvmGuard {

  static final String REASON = "tools may not change the JVM as a whole";
  static final String TAMPER = "tools may not open toolguard's own classes by reflection";
  static final String SELF_APPROVAL = "a tool may not reach the approval server, where calls are approved";

  private final AuditLog audit;
  private final Optional<InetSocketAddress> approvalServer;

  public JvmGuard(AuditLog audit, Optional<InetSocketAddress> approvalServer) {
    this.audit = audit;
    this.approvalServer = approvalServer;
  }

  /** Decides one action; see {@code Dispatcher#jvmAction}. */
  public void check(ToolContext context, Object action) {
    String described;
    String reason;
    if (action instanceof String text) {
      described = text;
      reason = REASON;
    } else if (action instanceof InetSocketAddress target) {
      if (!reachesApprovalServer(target)) {
        return;
      }
      described = "connect to " + target;
      reason = SELF_APPROVAL;
    } else {
      Class<?> type = action instanceof Class<?> c ? c : action instanceof Member m ? m.getDeclaringClass() : null;
      if (type == null || !isToolguards(type)) {
        return;
      }
      described = "open " + (action instanceof Member m ? type.getName() + "." + m.getName() : type.getName())
          + " by reflection";
      reason = TAMPER;
    }
    boolean enforce = context.policy().mode() == Mode.ENFORCE;
    try {
      audit.write(new JvmActionRecord(Instant.now(), context.callId(), context.tool(), described,
          enforce ? "deny" : "would-deny", reason, Thread.currentThread().getName()));
    } catch (RuntimeException auditFailure) {
      throw new SecurityException("Tool '" + context.tool() + "' may not " + described
          + ": the audit log cannot be written, and nothing runs unrecorded");
    }
    if (enforce) {
      throw new SecurityException("Tool '" + context.tool() + "' may not " + described + ": " + reason + " [toolguard]");
    }
  }

  /** The server may listen on every address, so any address of this machine on its port reaches it. */
  private boolean reachesApprovalServer(InetSocketAddress target) {
    if (approvalServer.isEmpty() || target.getPort() != approvalServer.get().getPort() || target.isUnresolved()) {
      return false;
    }
    InetAddress address = target.getAddress();
    try {
      return address.isLoopbackAddress() || address.isAnyLocalAddress()
          || address.equals(approvalServer.get().getAddress()) || NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException unknown) {
      return true;
    }
  }

  private static boolean isToolguards(Class<?> type) {
    return ToolInstrumentation.isAgentClass(type.getName().replace('.', '/'));
  }
}
