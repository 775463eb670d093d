package io.toolguard.agent.policy;

import java.util.List;
import java.util.Optional;

/**
 * One entry under {@code tools:}: which tools it names (a {@code *} glob), what it says about them,
 * the risk it imposes, and the files, commands, network addresses and environment it grants.
 */
public record ToolRule(
    String pattern, Verdict verdict, Optional<Risk> risk, Grants grants, Location location) {

  public FileGrants files() {
    return grants.files();
  }

  public List<ExecGrant> exec() {
    return grants.exec();
  }

  public NetGrants net() {
    return grants.net();
  }

  /** {@return whether this rule names the tool; {@code *} matches any run of characters} */
  public boolean matches(String toolName) {
    return Wildcard.matches(pattern, toolName);
  }

  /**
   * {@return how precisely the rule names tools: an exact name beats any glob, then more literal
   * characters}
   */
  int specificity() {
    return pattern.indexOf('*') < 0 ? Integer.MAX_VALUE : pattern.replace("*", "").length();
  }
}
