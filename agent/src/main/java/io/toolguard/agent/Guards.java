package io.toolguard.agent;

import io.toolguard.agent.approval.ApprovalChannels;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.born.BornClasses;
import io.toolguard.agent.env.EnvGuard;
import io.toolguard.agent.env.EnvTarget;
import io.toolguard.agent.exec.ExecGuard;
import io.toolguard.agent.file.FileGuard;
import io.toolguard.agent.file.ProtectedFiles;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.CallsRefused;
import io.toolguard.agent.guard.ToolCallGuard;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.handoff.ThreadStarts;
import io.toolguard.agent.jvm.JvmGuard;
import io.toolguard.agent.net.NetGuard;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.EnvKind;
import io.toolguard.agent.policy.NetOperation;
import io.toolguard.agent.sandbox.ExecSandboxes;
import io.toolguard.agent.threads.OwnThreads;
import io.toolguard.agent.tool.ToolInstrumentation;
import io.toolguard.agent.weave.JdkInitialisation;
import io.toolguard.bootstrap.Dispatcher;
import io.toolguard.bootstrap.ForkRequest;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.nio.channels.DatagramChannel;

/**
 * The agent's side of the bootstrap dispatcher, one guard call per hook: tool calls, file access,
 * process starts, network access, environment reads and JVM-wide actions each to their own guard,
 * and whether a thread a tool starts inherits its context.
 *
 * <p>Only {@link #install} may refer to this class, and only after the bootstrap package is
 * defined: loading it loads {@code Dispatcher.Hooks}, which must come from the bootstrap class
 * loader. Had the agent's own loader loaded it first (as verifying a caller that uses it as a
 * {@code Hooks} would), the JVM would refuse the bootstrap copy.
 */
final class Guards implements Dispatcher.Hooks {

  private final ToolCallGuard tools;
  private final FileGuard files;
  private final ExecGuard exec;
  private final NetGuard net;
  private final EnvGuard env;
  private final JvmGuard jvm;

  private Guards(
      ToolCallGuard tools,
      FileGuard files,
      ExecGuard exec,
      NetGuard net,
      EnvGuard env,
      JvmGuard jvm) {
    this.tools = tools;
    this.files = files;
    this.exec = exec;
    this.net = net;
    this.env = env;
    this.jvm = jvm;
  }

  /**
   * Why no tool runs in a JVM that writes a CDS archive or an AOT cache when it ends (a training
   * run). The JVM leaves every class an agent retransformed out of what it writes, and some of the
   * JDK classes toolguard must hook ({@code Thread}, {@code System}, {@code ClassLoader}) are ones
   * it cannot do without: JDK 25.0.3 crashes writing the cache. So in such a run the JDK is not
   * woven, and a tool that ran could not be confined.
   */
  static final String TRAINING_RUN =
      "this JVM writes a CDS archive or an AOT cache when it ends (a training run), where"
          + " toolguard cannot hook the JDK to confine a tool, so every tool call is denied;"
          + " train with a workload that calls no tool (README: AOT cache)";

  /**
   * Builds the guards, waits for the JDK's weaving and registers the guards with the dispatcher,
   * then weaves the tool methods; in a training run, the JDK is not woven and every tool call is
   * denied. At JVM start where {@link JdkWeaving#besideMain}, the guards are made here and the tool
   * methods woven from now on, but the guards are registered on the JDK weaving's thread once it is
   * done ({@link JdkWeaving#besideMainThen}) while {@code main} runs, and a tool call waits in the
   * dispatcher until they are. Every tool call first waits for the kernel's answers ({@link
   * ExecSandboxes#answers}): asked here when attached or where they cost little, else at the end of
   * {@code premain}.
   *
   * @param own toolguard's own files, which no tool may touch
   * @param sandboxes the kernel sandboxes of the processes tools start
   * @param jdk the JDK's weaving, its bootstrap package already defined ({@link
   *     JdkWeaving#bootstrap})
   * @param attached whether the JVM has been running (and loading tool classes) before
   * @throws IOException if the JDK's weaving could not read the agent jar
   */
  static void install(
      Instrumentation instrumentation,
      ActivePolicy active,
      AuditLog audit,
      ApprovalChannels approvals,
      ProtectedFiles own,
      ExecSandboxes sandboxes,
      JdkWeaving jdk,
      boolean attached)
      throws IOException {
    JdkWeaving.Bootstrap bootstrap = jdk.bootstrap();
    CallsRefused refused;
    if (bootstrap.trainingRun()) {
      refused = CallsRefused.always(TRAINING_RUN);
    } else {
      // Attached, answered before any hook is in place, as tools may be running already; at JVM
      // start on JDK 22+, asked once premain is done, and waited for by the first tool call.
      sandboxes.askKernel(bootstrap.forkHere(), attached);
      // At JVM start, the JDK classes no code loaded yet are woven once premain is done: every
      // tool call waits for that first.
      refused = jdk.refusedUntilWoven(sandboxes.answers());
    }
    Approver approver = new Approver(approvals.approvals(), audit);
    ToolCallGuard tools =
        ToolInstrumentation.guard(active, audit, approver, FileGuard.WHERE_LEADS, refused);
    ToolInstrumentation toolWeaving =
        ToolInstrumentation.prepare(tools, active.current().policy().toolAnnotations());
    // Made here, before main, in every case: beside main, an application on JDK 17 may have
    // installed a security manager meanwhile that forbids what making them reads.
    Guards guards = make(tools, audit, approver, approvals, own, sandboxes);
    if (!attached && jdk.besideMain()) {
      // The rest beside main, on the JDK weaving's thread once it is done: the tool methods are
      // woven from now on, and a tool call waits in the dispatcher for the guards, and then for
      // what the weaving left (the tool-call guard's refusal) before anything of the tool runs.
      Dispatcher.hooksAhead(jdk.thread());
      BornClasses.install(instrumentation);
      toolWeaving.install(instrumentation, false);
      jdk.besideMainThen(new Installation(guards, jdk));
      return;
    }
    // At JVM start the weaving ran beside all of the above; attached, it runs now. Either way the
    // JDK classes loaded so far are woven before the guards are in place, every one loaded from
    // now on as it loads, and no tool runs before the rest are woven too.
    jdk.woven();
    Dispatcher.install(guards);
    if (!bootstrap.trainingRun()) {
      BornClasses.install(instrumentation);
    }
    toolWeaving.install(instrumentation, attached);
  }

  /** {@return the guards around {@code tools}, the tool-call guard} */
  private static Guards make(
      ToolCallGuard tools,
      AuditLog audit,
      Approver approver,
      ApprovalChannels approvals,
      ProtectedFiles own,
      ExecSandboxes sandboxes) {
    AccessGate gate = new AccessGate(audit, approver);
    FileGuard files = FileGuard.create(gate, own);
    EnvGuard env = new EnvGuard(gate);
    return new Guards(
        tools,
        files,
        new ExecGuard(gate, files, env, sandboxes),
        new NetGuard(gate, new ApprovalServerAddress(approvals)),
        env,
        new JvmGuard(gate));
  }

  /**
   * Beside {@code main}, on the weaving's thread once the JDK is woven: installs the guards in the
   * dispatcher ({@link #run}). Not a lambda, which start-up would spin.
   */
  private static final class Installation implements Runnable {
    private final Guards guards;
    private final JdkWeaving jdk;

    Installation(Guards guards, JdkWeaving jdk) {
      this.guards = guards;
      this.jdk = jdk;
    }

    /**
     * Installs the guards once the JDK is woven. A weaving that failed is said once (here, or by
     * the first tool call refused, {@link JdkWeaving#sayNotWoven}) and refuses every tool call (the
     * tool-call guard asks {@link JdkWeaving#wovenRefusal}); guards that could not be installed
     * leave the dispatcher without hooks, which then denies every tool call.
     */
    @Override
    public void run() {
      // Said only once the guards are in: a failure to install them is said instead.
      String notWoven = null;
      try {
        String refusal = jdk.wovenRefusal();
        Dispatcher.install(guards);
        notWoven = refusal;
      } catch (Throwable failed) {
        // First of all: a tool call waiting in the dispatcher is denied now, and nothing that runs
        // on this thread later may install hooks in their place.
        Dispatcher.hooksAhead(null);
        OwnThreads.say(
            "toolguard: toolguard failed to install its guards ("
                + failed
                + "), so every tool call is refused");
      }
      jdk.sayNotWoven(notWoven);
      jdk.premainDone();
    }
  }

  /**
   * Where the approval page listens, or will, asked at each check: at JVM start the page binds
   * after {@code premain}, and with port 0 its port is known only then. A named class, as a lambda
   * would be spun at start-up.
   */
  private static final class ApprovalServerAddress
      implements java.util.function.Supplier<java.util.Optional<java.net.InetSocketAddress>> {
    private final ApprovalChannels approvals;

    ApprovalServerAddress(ApprovalChannels approvals) {
      this.approvals = approvals;
    }

    @Override
    public java.util.Optional<java.net.InetSocketAddress> get() {
      return approvals.server();
    }
  }

  @Override
  public Object enterTool(int toolId, Object[] arguments, Object outerContext) {
    return tools.enterTool(toolId, arguments, outerContext);
  }

  @Override
  public void toolReturned(Object context, Object result) {
    tools.toolReturned((ToolContext) context, result);
  }

  @Override
  public int forkAndExec(Object context, ForkRequest fork) throws IOException {
    return exec.fork(fork);
  }

  @Override
  public void processStarted(Object context, Object process) {
    jvm.processStarted((Process) process);
  }

  @Override
  public Object weaveBorn(Object classFile, int number) {
    return BornClasses.weave((byte[]) classFile, number);
  }

  @Override
  public String bornDefinition(Object loader, byte[] classFile, int offset, int length) {
    return BornClasses.bornDefinition((ClassLoader) loader, classFile, offset, length);
  }

  @Override
  public void resourceChosen(Object context, Object url) {
    if (url instanceof URL chosen) {
      files.resourceChosen(chosen);
    }
  }

  @Override
  public Object joinContexts(Object born, Object current) {
    return ToolContext.joined((ToolContext) born, (ToolContext) current);
  }

  @Override
  public boolean threadInheritsContext() {
    return ThreadStarts.inheritContext();
  }

  @Override
  public boolean jvmInitialising() {
    return JdkInitialisation.underway();
  }

  @Override
  public Object checkFile(Object context, Object path, int access, Object detail) {
    return files.check((ToolContext) context, path, access, detail);
  }

  @Override
  public void checkResolved(
      Object context, Object path, int access, Object detail, String real, long[] inode) {
    files.checkResolved((ToolContext) context, path, access, detail, real, inode);
  }

  @Override
  public void checkExec(Object context, Object process) {
    exec.check((ToolContext) context, (ProcessBuilder) process);
  }

  @Override
  public void checkConnect(Object context, Object address, Object port) {
    net.check((ToolContext) context, NetOperation.CONNECT, address, port);
  }

  @Override
  public void checkListen(Object context, Object address) {
    net.check((ToolContext) context, NetOperation.LISTEN, address, null);
  }

  @Override
  public void checkResolve(Object context, Object target) {
    net.resolve((ToolContext) context, target);
  }

  @Override
  public void checkReceive(Object context, Object channel, Object address) {
    net.receive((ToolContext) context, (DatagramChannel) channel, address);
  }

  @Override
  public Object filterVariable(Object context, Object name) {
    return env.check((ToolContext) context, EnvKind.VARIABLE, EnvTarget.NAME, name);
  }

  @Override
  public Object filterProperty(Object context, Object name) {
    return env.check((ToolContext) context, EnvKind.PROPERTY, EnvTarget.NAME, name);
  }

  @Override
  public Object filterVariables(Object context, Object environment) {
    return env.check((ToolContext) context, EnvKind.VARIABLE, EnvTarget.COPY, environment);
  }

  @Override
  public Object filterProperties(Object context, Object properties) {
    return env.check((ToolContext) context, EnvKind.PROPERTY, EnvTarget.COPY, properties);
  }

  @Override
  public Object filterProcessEnvironment(Object context, Object environment) {
    return env.check((ToolContext) context, EnvKind.VARIABLE, EnvTarget.IN_PLACE, environment);
  }

  @Override
  public void jvmAction(Object context, Object action) {
    jvm.check((ToolContext) context, action);
  }
}
