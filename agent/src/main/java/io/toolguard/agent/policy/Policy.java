package io.toolguard.agent.policy;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

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
 * @param modeLock where an included policy locks the mode, which the agent option may then not change
 * @param unlistedAt where {@code unlisted_tools} is set; empty when the default (deny) applies
 * @param tools the rules, those of included policies first
 * @param files the policy file and the files it includes
 * @param digest the SHA-256 of the content this policy was parsed from (see {@link PolicyDigest})
 */
public record Policy(
    String source,
    Mode mode,
    Optional<Location> modeLock,
    Path sandbox,
    Verdict unlisted,
    Optional<Location> unlistedAt,
    List<ToolRule> tools,
    List<Path> files,
    String digest) {

  private static final Comparator<ToolRule> MORE_SPECIFIC = Comparator.comparingInt(ToolRule::specificity);

  public Policy {
    tools = List.copyOf(tools);
    files = List.copyOf(files);
  }

  /** {@return where {@code unlisted_tools} is set as {@code file:line}, or a note that the default applies} */
  public String unlistedRule() {
    return unlistedAt.map(Location::rule).orElse(source + " (default unlisted_tools: deny)");
  }

  /** {@return the decision for a call to the named tool, whose annotation declares {@code declaredRisk}} */
  public ToolDecision decide(String toolName, Risk declaredRisk) {
    return evaluate(toolName, declaredRisk).decision();
  }

  /** {@return the decision for a call, with every other rule that named the tool and why it lost} */
  public Evaluation evaluate(String toolName, Risk declaredRisk) {
    List<ToolRule> matching = new ArrayList<>();
    ToolRule firstDeny = null;
    ToolRule bestAllow = null;
    for (ToolRule rule : tools) {
      if (!rule.matches(toolName)) {
        continue;
      }
      matching.add(rule);
      if (rule.verdict() == Verdict.DENY) {
        firstDeny = firstDeny == null ? rule : firstDeny;
      } else if (bestAllow == null || MORE_SPECIFIC.compare(rule, bestAllow) > 0) {
        bestAllow = rule;
      }
    }
    ToolRule deciding = firstDeny != null ? firstDeny : bestAllow;
    if (deciding == null) {
      return new Evaluation(new ToolDecision(
          unlisted,
          declaredRisk,
          unlistedRule(),
          "no policy rule names this tool; unlisted tools are " + (unlisted == Verdict.DENY ? "denied" : "allowed"),
          FileGrants.NONE), Optional.empty(), List.of());
    }
    boolean denied = deciding.verdict() == Verdict.DENY;
    ToolDecision decision = new ToolDecision(
        deciding.verdict(),
        deciding.risk().orElse(declaredRisk),
        deciding.location().rule(),
        (denied ? "denied" : "allowed") + " by policy rule '" + deciding.pattern() + "'",
        denied ? FileGrants.NONE : deciding.files());
    List<Evaluation.Outranked> outranked = new ArrayList<>();
    for (ToolRule rule : matching) {
      if (rule != deciding) {
        outranked.add(new Evaluation.Outranked(rule, whyLost(rule, deciding)));
      }
    }
    return new Evaluation(decision, Optional.of(deciding), outranked);
  }

  private static String whyLost(ToolRule loser, ToolRule winner) {
    if (winner.verdict() == Verdict.DENY) {
      return loser.verdict() == Verdict.DENY
          ? "the deny rule at line " + winner.location().line() + " comes first in the file"
          : "deny beats allow";
    }
    if (winner.specificity() == Integer.MAX_VALUE) {
      return "'" + winner.pattern() + "' names the tool exactly";
    }
    if (winner.specificity() > loser.specificity()) {
      return "'" + winner.pattern() + "' is more specific (" + winner.specificity() + " characters besides '*', against "
          + loser.specificity() + ")";
    }
    return "equally specific, and '" + winner.pattern() + "' comes first in the file";
  }

  /**
   * Decides one file access by a tool the policy decided as {@code tool}.
   *
   * @param path absolute, or relative to the sandbox root; taken as written (links are not followed here)
   */
  public FileDecision decideFile(ToolDecision tool, FileOperation operation, String path) {
    if (tool.verdict() == Verdict.DENY) {
      return new FileDecision(Outcome.DENY, "the tool itself is denied (" + tool.reason() + ")");
    }
    Path target;
    try {
      target = sandbox.resolve(path).normalize();
    } catch (InvalidPathException e) {
      return new FileDecision(Outcome.DENY, "'" + path + "' is not a valid path: " + e.getReason());
    }
    if (!target.startsWith(sandbox)) {
      return new FileDecision(Outcome.DENY, target + " is outside the sandbox root " + sandbox);
    }
    String relative = sandbox.relativize(target).toString().replace(java.io.File.separatorChar, '/');
    for (PathGlob glob : tool.files().of(operation)) {
      if (glob.matches(relative)) {
        return new FileDecision(Outcome.ALLOW,
            "granted by " + operation.label() + " glob \"" + glob + "\" of rule " + tool.rule());
      }
    }
    return new FileDecision(Outcome.DENY,
        "no " + operation.label() + " glob of rule " + tool.rule() + " matches " + (relative.isEmpty() ? "." : relative));
  }
}
