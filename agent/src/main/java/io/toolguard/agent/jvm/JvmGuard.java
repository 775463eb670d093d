package io.toolguard.agent.jvm;

import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.audit.JvmActionRecord;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.tool.ToolInstrumentation;
import java.lang.reflect.Member;
import java.time.Instant;

/**
 * Denies JVM-wide actions inside tools — exiting, shutdown hooks, native libraries, the standard
 * streams, system properties, global defaults — and opening toolguard's own classes up by
 * reflection (which would let a tool switch toolguard off). No grant allows them; audit mode only
 * logs them.
 */
public final class JvmGuard {

  static final String REASON = "tools may not change the JVM as a whole";
  static final String TAMPER = "tools may not open toolguard's own classes by reflection";

  private final AuditLog audit;

  public JvmGuard(AuditLog audit) {
    this.audit = audit;
  }

  /** Decides one action; see {@code Dispatcher#jvmAction}. */
  public void check(ToolContext context, Object action) {
    String described;
    String reason;
    if (action instanceof String text) {
      described = text;
      reason = REASON;
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

  private static boolean isToolguards(Class<?> type) {
    return ToolInstrumentation.isAgentClass(type.getName().replace('.', '/'));
  }
}
