package io.toolguard.agent.policy;

import java.util.List;
import java.util.Optional;

/**
 * Everything an allowing rule grants a tool while it runs: files, commands, network addresses and
 * environment, and whether the processes it starts run in a kernel sandbox built from those grants
 * (empty: as the policy's {@code exec_sandbox} says). A denied call gets {@link #NONE}.
 *
 * @param withholdsSecretResults whether a result of the tool that holds a secret (a built-in kind
 *     or one the policy adds) is kept from the model: the call then fails instead of returning it
 */
public record Grants(
    FileGrants files,
    List<ExecGrant> exec,
    NetGrants net,
    EnvGrants env,
    Optional<SandboxMode> execSandbox,
    boolean withholdsSecretResults) {

  /** Grants nothing. */
  public static final Grants NONE =
      new Grants(FileGrants.NONE, List.of(), NetGrants.NONE, EnvGrants.NONE);

  public Grants {
    exec = List.copyOf(exec);
  }

  /** Grants whose tool's results reach the model whatever they hold. */
  public Grants(
      FileGrants files,
      List<ExecGrant> exec,
      NetGrants net,
      EnvGrants env,
      Optional<SandboxMode> execSandbox) {
    this(files, exec, net, env, execSandbox, false);
  }

  /** Grants whose processes run as the policy's {@code exec_sandbox} says. */
  public Grants(FileGrants files, List<ExecGrant> exec, NetGrants net, EnvGrants env) {
    this(files, exec, net, env, Optional.empty());
  }
}
