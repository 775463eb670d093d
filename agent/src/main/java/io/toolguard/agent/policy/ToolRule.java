package io.toolguard.agent.policy;

import java.util.List;
import java.util.Optional;

/**
 * One entry under {@code tools:}: which tools it names (a {@code *} glob), what it says about them,
 * the risk it imposes, and the files, commands, network addresses and environment it grants.
 */
public record ToolRule(String pattern, Verdict verdict, Optional<Risk> risk, FileGrants files, List<ExecGrant> exec,
    NetGrants net, EnvGrants env, Location location) {

  public ToolRule {
    exec = List.copyOf(exec);
  }

  /** A rule that grants no command and no network access. */
  public ToolRule(String pattern, Verdict verdict, Optional<Risk> risk, FileGrants files, Location location) {
    this(pattern, verdict, risk, files, List.of(), NetGrants.NONE, EnvGrants.NONE, location);
  }

  /** {@return whether this rule names the tool; {@code *} matches any run of characters} */
  public boolean matches(String toolName) {
    return Wildcard.matches(pattern, toolName);
  }

  /** {@return how precisely the rule names tools: an exact name beats any glob, then more literal characters} */
  int specificity() {
    return pattern.indexOf('*') < 0 ? Integer.MAX_VALUE : pattern.replace("*", "").length();
  }
}
