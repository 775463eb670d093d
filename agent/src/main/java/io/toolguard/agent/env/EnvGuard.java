package io.toolguard.agent.env;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.EnvRecord;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.EnvKind;
import io.toolguard.agent.weave.FrameWalk;
import io.toolguard.agent.weave.Provenance;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps a tool from reading environment variables and system properties its rule's {@code env}
 * grant does not name: to the tool they look unset ({@code null}, a default, left out of the whole
 * map), and each one kept back is logged. Secrets in the environment are the first thing an
 * injected prompt asks for. The JDK reading its own settings while a tool runs is not the tool's
 * reading; a {@code Boolean.getBoolean} or {@code Integer.getInteger} is, since it hands the value
 * back.
 */
public final class EnvGuard {

  /** A name no variable or property has: looking it up finds nothing. */
  static final String UNSET = "\0toolguard: not granted";

  private static final StackWalker STACK =
      StackWalker.getInstance(
          Set.of(
              StackWalker.Option.RETAIN_CLASS_REFERENCE,
              StackWalker.Option.SHOW_HIDDEN_FRAMES,
              StackWalker.Option.SHOW_REFLECT_FRAMES));

  private final AccessGate gate;

  public EnvGuard(AccessGate gate) {
    this.gate = gate;
  }

  /**
   * Decides one read of a name or a whole map; see {@code Dispatcher}'s {@code filter…} entries.
   */
  public Object check(ToolContext context, EnvKind kind, EnvTarget what, Object target) {
    if (target == null) {
      return target;
    }
    if (what != EnvTarget.NAME) {
      return readByTheJdk() ? target : whole(context, kind, target, what == EnvTarget.IN_PLACE);
    }
    String name = (String) target;
    EnvRead read = new EnvRead(kind, name);
    AccessGate.Ruling ruling = AccessGate.rule(context, read);
    // Who asked matters only for a read the grants refuse, or that audit mode records: a read the
    // grants allow is the same whoever asked, so the stack walk stays off the path that allows.
    if (ruling.allowed() && context.policy().enforcing() || readByTheJdk()) {
      return name;
    }
    return gate.permits(context, read, ruling) ? name : UNSET;
  }

  /**
   * Leaves out of a process's environment what its tool may not read, before the process starts. In
   * audit mode only logs it.
   */
  public void trim(ToolContext context, Map<String, String> environment) {
    whole(context, EnvKind.VARIABLE, environment, true);
  }

  @SuppressWarnings("unchecked")
  private Object whole(ToolContext context, EnvKind kind, Object map, boolean inPlace) {
    Map<Object, Object> all = (Map<Object, Object>) map;
    Map<Object, Object> kept = new TreeMap<>();
    int hidden = 0;
    for (Map.Entry<Object, Object> entry : all.entrySet()) {
      if (entry.getKey() instanceof String name
          && AccessGate.rule(context, new EnvRead(kind, name)).allowed()) {
        kept.put(entry.getKey(), entry.getValue());
      } else {
        hidden++;
      }
    }
    boolean keepAll =
        hidden == 0
            || gate.recordDenial(
                context,
                new EnvRead(kind, "*"),
                hidden
                    + " "
                    + kind.label()
                    + (hidden == 1 ? "" : "s")
                    + " not granted "
                    + (hidden == 1 ? "was" : "were")
                    + " left out");
    if (inPlace) {
      if (!keepAll) {
        all.keySet().retainAll(kept.keySet());
      }
      return map;
    }
    if (map instanceof Properties) {
      // Never the live object, whose setProperty, putAll and remove would change the JVM's
      // properties past the denied System.setProperty: a copy, even of everything.
      Properties copy = new Properties();
      copy.putAll(keepAll ? all : kept);
      return copy;
    }
    return keepAll ? map : Collections.unmodifiableMap(kept);
  }

  /**
   * A tool reading one variable or property ({@code *}: the whole environment or all properties).
   */
  private record EnvRead(EnvKind kind, String name) implements AccessGate.Access {

    @Override
    public AccessDecision decide(ToolContext level) {
      return kind == EnvKind.PROPERTY && standard(name)
          ? AccessDecision.granted("standard property", name, "toolguard")
          : level.policy().policy().decideEnv(level.decision(), kind, name);
    }

    @Override
    public String describe() {
      return "read the " + kind.label() + " " + name;
    }

    @Override
    public String subject() {
      return "read the " + kind.label();
    }

    @Override
    public String shown() {
      return kind.label() + "=\"" + name + "\"";
    }

    @Override
    public AuditEntry record(
        ToolContext context, ToolContext level, Decision decision, String reason) {
      String said =
          decision == Decision.ALLOW || name.equals("*")
              ? reason
              : reason + " [rule " + level.decision().rule() + "]; it looks unset to the tool";
      return new EnvRecord(
          Instant.now(),
          context.callId(),
          context.tool(),
          kind.label(),
          name,
          decision,
          context.decision().rule(),
          said,
          Thread.currentThread().getName());
    }
  }

  /**
   * The JDK's own description of the platform ({@code java.version}, {@code os.name}, {@code
   * line.separator}, {@code user.dir}…), which libraries read as they start and which holds no
   * secret; always readable. The command line ({@code sun.java.command}) may hold secrets, and so
   * may other {@code javax.*} and application properties: those need a grant.
   */
  static boolean standard(String property) {
    return (property.startsWith("java.")
            || property.startsWith("jdk.")
            || property.startsWith("os.")
            || property.startsWith("file.")
            || property.startsWith("user.")
            || property.startsWith("sun.")
            || property.equals("line.separator")
            || property.equals("path.separator")
            || property.endsWith(".encoding"))
        && !property.equals("sun.java.command");
  }

  /**
   * Whether the code that asked is the JDK's own: past toolguard and the methods that only pass the
   * name on ({@code System}, {@code Boolean.getBoolean}, {@code Integer.getInteger}, {@code
   * Long.getLong}; see {@link Provenance.Purpose#FORWARDS_ENV_READS}), the first caller is the
   * JDK's code, and no code reached it through a forwarder.
   *
   * <p>Why the forwarders matter: a tool that hands {@code System::getenv} to {@code Optional.map},
   * a stream or a {@code CompletableFuture} has the JDK call it. The method reference is a hidden
   * class of the tool's, which a default {@code StackWalker} does not show, so the first frame
   * shown would be {@code Optional}'s. Here hidden and reflection frames are walked: a lambda or
   * method reference of code outside the JDK is that code asking, and a read that reached the JDK
   * through reflection, a method handle or a JDK lambda was handed to it by someone, so it is not
   * the JDK's own (fail closed: such a read is decided as the tool's).
   */
  private static boolean readByTheJdk() {
    return STACK.walk(ASKED_BY_THE_JDK);
  }

  private static final FrameWalk<Boolean> ASKED_BY_THE_JDK = new AskedByTheJdk();

  private static final class AskedByTheJdk extends FrameWalk<Boolean> {
    @Override
    protected Boolean walk(Iterator<StackWalker.StackFrame> frames) {
      return askedByTheJdk(frames);
    }
  }

  private static boolean askedByTheJdk(Iterator<StackWalker.StackFrame> frames) {
    boolean forwarded = false;
    while (frames.hasNext()) {
      StackWalker.StackFrame frame = frames.next();
      Class<?> type = frame.getDeclaringClass();
      if (onlyPassesTheReadOn(type)) {
        continue;
      }
      if (Provenance.forwardsCalls(type)) {
        forwarded = true;
        continue;
      }
      return !forwarded && Provenance.isJdkCode(type);
    }
    return !forwarded;
  }

  /**
   * {@return whether the class is toolguard's or a JDK method that hands the value back to its
   * caller}: toolguard's own only when its own loader (or the boot loader, for the bridge) defined
   * it, so that a class a tool names {@code io.toolguard.agent.…} in a loader of its own is not
   * looked past.
   */
  private static boolean onlyPassesTheReadOn(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return Provenance.matches(Provenance.Purpose.FORWARDS_ENV_READS, type.getName())
        && (loader == null
            || loader == ClassLoader.getPlatformClassLoader()
            || loader == EnvGuard.class.getClassLoader());
  }
}
