package io.toolguard.agent.env;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.EnvRecord;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.EnvKind;
import io.toolguard.agent.weave.Provenance;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

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
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private final AccessGate gate;

  public EnvGuard(AccessGate gate) {
    this.gate = gate;
  }

  /**
   * Decides one read of a name or a whole map; see {@code Dispatcher}'s {@code filter…} entries.
   */
  public Object check(ToolContext context, EnvKind kind, EnvTarget what, Object target) {
    if (target == null || readByTheJdk()) {
      return target;
    }
    if (what != EnvTarget.NAME) {
      return whole(context, kind, target, what == EnvTarget.IN_PLACE);
    }
    String name = (String) target;
    return gate.permits(context, new EnvRead(kind, name)) ? name : UNSET;
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
    if (hidden == 0
        || gate.recordDenial(
            context,
            new EnvRead(kind, "*"),
            hidden
                + " "
                + kind.label()
                + (hidden == 1 ? "" : "s")
                + " not granted "
                + (hidden == 1 ? "was" : "were")
                + " left out")) {
      return map;
    }
    if (inPlace) {
      all.keySet().retainAll(kept.keySet());
      return map;
    }
    if (map instanceof Properties) {
      Properties copy = new Properties();
      copy.putAll(kept);
      return copy;
    }
    return Collections.unmodifiableMap(kept);
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
   * Whether the code that asked is the JDK's own: the first caller past toolguard and the methods
   * that only pass the name on ({@code System}, {@code Boolean.getBoolean}, {@code
   * Integer.getInteger}, {@code Long.getLong}; see {@link Provenance.Purpose#FORWARDS_ENV_READS})
   * was loaded by the boot or platform class loader.
   */
  private static boolean readByTheJdk() {
    return STACK.walk(EnvGuard::askedByTheJdk);
  }

  private static boolean askedByTheJdk(Stream<StackWalker.StackFrame> frames) {
    return frames
        .map(StackWalker.StackFrame::getDeclaringClass)
        .filter(type -> !Provenance.matches(Provenance.Purpose.FORWARDS_ENV_READS, type.getName()))
        .findFirst()
        .map(Provenance::isBootOrPlatformLoaded)
        .orElse(true);
  }
}
