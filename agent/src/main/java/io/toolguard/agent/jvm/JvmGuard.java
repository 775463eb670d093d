package io.toolguard.agent.jvm;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.JvmActionRecord;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.threads.OwnThreads;
import io.toolguard.agent.weave.FrameWalk;
import io.toolguard.agent.weave.JdkInitialisation;
import io.toolguard.agent.weave.Provenance;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * Denies JVM-wide actions inside tools — exiting, shutdown hooks, native code, attaching, the
 * standard streams, system properties, global defaults, the logging configuration, preferences,
 * another running thread's settings — and opening toolguard's own classes up by reflection (which
 * would let a tool switch toolguard off) or obtaining {@code Unsafe} (which reads and writes past
 * every check). No grant allows them; audit mode only logs them.
 *
 * <p>The JVM initialising itself inside a tool is not the tool's action ({@link
 * JdkInitialisation}): a JDK class initialiser that adds its shutdown hook or loads its native
 * library ({@code LogManager}, {@code ManagementFactory}, {@code BufferedImage}, {@code
 * FileSystemPreferences}) does so unchecked and unrecorded, as it would outside the tool. Opening
 * toolguard's classes is never the JVM's initialisation, and stays denied.
 */
public final class JvmGuard {

  static final String REASON = "tools may not change the JVM as a whole";
  static final String TAMPER = "tools may not open toolguard's own classes by reflection";
  static final String OWN_THREADS =
      "tools may not interrupt, stop or change toolguard's own threads";
  static final String UNSAFE =
      "tools may not use Unsafe, which reads and writes any memory past every check";
  static final String OTHER_THREADS =
      "a tool may change only its own thread and threads not started yet";
  static final String NOT_STARTED_HERE =
      "a tool may read about and end only processes tools started, and their descendants";

  private final AccessGate gate;

  public JvmGuard(AccessGate gate) {
    this.gate = gate;
  }

  /** The processes tools started that are still running. */
  private final java.util.Set<ProcessHandle> startedByTools =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Decides one action; see {@code Dispatcher#jvmAction}. */
  public void check(ToolContext context, Object action) {
    if (action instanceof Thread thread) {
      checkThread(context, thread);
      return;
    }
    if (action instanceof ProcessHandle process) {
      if (!startedByATool(process)) {
        gate.check(
            context,
            new JvmAction(
                "read about or end process "
                    + process.pid()
                    + (process.pid() == ProcessHandle.current().pid()
                        ? " (this JVM, whose information holds its command line)"
                        : ", which no tool started"),
                NOT_STARTED_HERE));
      }
      return;
    }
    if (action instanceof String text) {
      // The only path that walks the stack: every such action would be denied.
      if (!JdkInitialisation.underway()) {
        gate.check(context, new JvmAction(text, REASON));
      }
      return;
    }
    if (handsOutUnsafe(action)) {
      gate.check(
          context,
          new JvmAction(
              "obtain Unsafe (through "
                  + (action instanceof Member m
                      ? m.getDeclaringClass().getName() + "." + m.getName()
                      : action instanceof Class<?> c ? c.getName() : "a method handle of " + action)
                  + ")",
              UNSAFE));
      return;
    }
    Class<?> type =
        action instanceof Class<?> c
            ? c
            : action instanceof Member m ? m.getDeclaringClass() : null;
    if (type != null && isToolguards(type)) {
      gate.check(
          context,
          new JvmAction(
              "open "
                  + (action instanceof Member m
                      ? type.getName() + "." + m.getName()
                      : type.getName())
                  + " by reflection",
              TAMPER));
    }
  }

  /**
   * Interrupting a thread, or changing one, is everyday work on the tool's own thread and on
   * threads not started yet (a pool's thread factory names them, makes them daemons, sets their
   * loader); changing another running thread — the application's — would plant a class loader or a
   * handler that runs outside the tool. Which method was called is read from the stack, only for
   * another running thread.
   */
  private void checkThread(ToolContext context, Thread thread) {
    if (OwnThreads.isOwn(thread)) {
      String changed = THREAD_CHANGES.get(calledThreadMethod());
      gate.check(
          context,
          new JvmAction(
              (changed == null
                      ? "interrupt or stop toolguard's thread "
                      : "change the " + changed + " of toolguard's thread ")
                  + thread.getName(),
              OWN_THREADS));
      return;
    }
    if (thread == Thread.currentThread() || thread.getState() == Thread.State.NEW) {
      return;
    }
    String changed = THREAD_CHANGES.get(calledThreadMethod());
    if (changed != null) {
      gate.check(
          context,
          new JvmAction(
              "change the " + changed + " of thread '" + thread.getName() + "'", OTHER_THREADS));
    }
  }

  /** What each woven {@code Thread} method that is not interrupting or stopping changes. */
  private static final Map<String, String> THREAD_CHANGES =
      Map.of(
          "setContextClassLoader", "context class loader",
          "setUncaughtExceptionHandler", "uncaught-exception handler",
          "setName", "name",
          "setPriority", "priority",
          "setDaemon", "daemon status");

  private static final StackWalker WALKER = StackWalker.getInstance();

  /** {@return the name of the {@code java.lang.Thread} method nearest on the stack} */
  private static String calledThreadMethod() {
    return WALKER.walk(CALLED_THREAD_METHOD);
  }

  /** {@link #calledThreadMethod}'s walk. */
  private static final FrameWalk<String> CALLED_THREAD_METHOD = new CalledThreadMethod();

  private static final class CalledThreadMethod extends FrameWalk<String> {
    @Override
    protected String walk(Iterator<StackWalker.StackFrame> frames) {
      for (int i = 0; i < 16 && frames.hasNext(); i++) {
        StackWalker.StackFrame frame = frames.next();
        if (frame.getClassName().equals("java.lang.Thread")) {
          return frame.getMethodName();
        }
      }
      return "";
    }
  }

  /**
   * {@return whether opening or reading {@code action} hands out an {@code Unsafe}}: a field or
   * constructor of Unsafe itself ({@code theUnsafe}), a field or method of any class whose value is
   * one (a library's), the class itself (a private lookup in it, a serialization constructor for
   * it, a lookup of a field of its type), or the type of a method looked up that returns one.
   */
  static boolean handsOutUnsafe(Object action) {
    if (action instanceof Class<?> type) {
      return isUnsafe(type);
    }
    if (action instanceof MethodType type) {
      return isUnsafe(type.returnType());
    }
    if (action instanceof Field field) {
      return isUnsafe(field.getDeclaringClass()) || isUnsafe(field.getType());
    }
    if (action instanceof Method method) {
      return isUnsafe(method.getReturnType());
    }
    return action instanceof Member member && isUnsafe(member.getDeclaringClass());
  }

  private static boolean isUnsafe(Class<?> type) {
    return type.getName().equals("sun.misc.Unsafe")
        || type.getName().equals("jdk.internal.misc.Unsafe");
  }

  /**
   * Remembers a process started inside a tool until it ends; a process is known by its handle,
   * which tells a process from a later one with the same number.
   */
  public void processStarted(Process process) {
    ProcessHandle handle = process.toHandle();
    startedByTools.add(handle);
    process.onExit().thenRun(() -> startedByTools.remove(handle));
  }

  /**
   * {@return whether {@code process} is one a tool started, or descends from one}: not this JVM,
   * and not a process the application started outside tools.
   */
  private boolean startedByATool(ProcessHandle process) {
    long self = ProcessHandle.current().pid();
    java.util.Optional<ProcessHandle> level = java.util.Optional.of(process);
    for (int depth = 0; depth < 64 && level.isPresent(); depth++) {
      ProcessHandle at = level.get();
      if (at.pid() == self) {
        return false;
      }
      if (startedByTools.contains(at)) {
        return true;
      }
      level = at.parent();
    }
    return false;
  }

  /** An action no grant allows: {@code described} completes "Tool 'x' may not …". */
  private record JvmAction(String described, String reason) implements AccessGate.Access {

    @Override
    public AccessDecision decide(ToolContext level) {
      return AccessDecision.denied(reason);
    }

    @Override
    public String describe() {
      return described;
    }

    @Override
    public String subject() {
      return described;
    }

    @Override
    public String shown() {
      return described;
    }

    @Override
    public AuditEntry record(
        ToolContext context, ToolContext level, Decision decision, String why) {
      return new JvmActionRecord(
          Instant.now(),
          context.callId(),
          context.tool(),
          described,
          decision,
          why,
          Thread.currentThread().getName());
    }

    @Override
    public String denier(ToolContext level) {
      return "toolguard";
    }
  }

  private static boolean isToolguards(Class<?> type) {
    return Provenance.matches(Provenance.Purpose.CLOSED_TO_REFLECTION, type.getName());
  }
}
