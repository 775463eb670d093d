package io.toolguard.agent.policy;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * A parsed, valid policy: the sandbox root, the mode, what happens to tools no rule names, and the
 * tool rules in file order.
 *
 * <p>How a call is decided: every rule whose pattern names the tool is considered. If any of them
 * denies, the call is denied and the first such rule in the file is the deciding one (deny beats
 * allow). Otherwise the most specific allowing rule decides alone, and its risk and file grants
 * apply: an exact name beats any glob, a glob with more literal characters beats one with fewer,
 * and between equals the earlier rule wins. A tool no rule names gets {@code unlisted_tools}.
 *
 * @param source the policy file as the user named it, for messages
 * @param unlistedRule where {@code unlisted_tools} is set, or a note that the built-in default applies
 */
public record Policy(
    String source,
    Mode mode,
    Path sandbox,
    Verdict unlisted,
    String unlistedRule,
    List<ToolRule> tools) {

  private static final Comparator<ToolRule> MORE_SPECIFIC = Comparator.comparingInt(ToolRule::specificity);

  public Policy {
    tools = List.copyOf(tools);
  }

  /** {@return the decision for a call to the named tool, whose annotation declares {@code declaredRisk}} */
  public ToolDecision decide(String toolName, Risk declaredRisk) {
    ToolRule allowing = null;
    for (ToolRule rule : tools) {
      if (!rule.matches(toolName)) {
        continue;
      }
      if (rule.verdict() == Verdict.DENY) {
        return new ToolDecision(
            Verdict.DENY,
            rule.risk().orElse(declaredRisk),
            rule.location().rule(),
            "denied by policy rule '" + rule.pattern() + "'",
            FileGrants.NONE);
      }
      if (allowing == null || MORE_SPECIFIC.compare(rule, allowing) > 0) {
        allowing = rule;
      }
    }
    if (allowing != null) {
      return new ToolDecision(
          Verdict.ALLOW,
          allowing.risk().orElse(declaredRisk),
          allowing.location().rule(),
          "allowed by policy rule '" + allowing.pattern() + "'",
          allowing.files());
    }
    return new ToolDecision(
        unlisted,
        declaredRisk,
        unlistedRule,
        "no policy rule names this tool; unlisted tools are " + (unlisted == Verdict.DENY ? "denied" : "allowed"),
        FileGrants.NONE);
  }
}
