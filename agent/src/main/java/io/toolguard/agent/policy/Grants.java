package io.toolguard.agent.policy;

import java.util.List;

/**
 * Everything an allowing rule grants a tool while it runs: files, commands, network addresses and
 * environment. A denied call gets {@link #NONE}.
 */
public record Grants(FileGrants files, List<ExecGrant> exec, NetGrants net, EnvGrants env) {

  /** Grants nothing. */
  public static final Grants NONE =
      new Grants(FileGrants.NONE, List.of(), NetGrants.NONE, EnvGrants.NONE);

  public Grants {
    exec = List.copyOf(exec);
  }
}
