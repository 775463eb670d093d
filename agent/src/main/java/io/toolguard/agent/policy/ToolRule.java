package io.toolguard.agent.policy;

import java.util.List;
import java.util.Optional;

/**
 * One entry under {@code tools:}: which tools it names (a {@code *} glob), what it says about them,
 * the risk it imposes, the files, commands, network addresses and environment it grants, and the
 * conditions on a call's arguments under which it applies (none: it applies to every call), and how
 * many calls it may decide ({@code budget}).
 */
public record ToolRule(
    String pattern,
    Verdict verdict,
    Optional<Risk> risk,
    Grants grants,
    Location location,
    List<ArgumentCondition> conditions,
    Optional<Budget> budget) {

  public ToolRule {
    conditions = List.copyOf(conditions);
  }

  /** A rule without conditions on arguments or budget. */
  public ToolRule(
      String pattern, Verdict verdict, Optional<Risk> risk, Grants grants, Location location) {
    this(pattern, verdict, risk, grants, location, List.of(), Optional.empty());
  }

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
   * {@return whether the rule applies to a call with these arguments}: a rule without conditions
   * always does; an allowing or asking rule when every condition holds; a denying one unless some
   * condition surely does not hold (a value toolguard cannot judge does not escape a deny rule)
   */
  public boolean appliesTo(ToolArguments arguments, java.nio.file.Path sandbox) {
    for (int i = 0; i < conditions.size(); i++) {
      Holds holds = conditions.get(i).holds(arguments, sandbox);
      if (holds == Holds.NO || (holds == Holds.UNKNOWN && verdict != Verdict.DENY)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return the first condition that keeps the rule from applying to these arguments, with why;
   * empty when it applies}
   */
  public Optional<String> whyNotApplied(ToolArguments arguments, java.nio.file.Path sandbox) {
    for (ArgumentCondition condition : conditions) {
      Holds holds = condition.holds(arguments, sandbox);
      if (holds == Holds.NO || (holds == Holds.UNKNOWN && verdict != Verdict.DENY)) {
        return Optional.of(
            "its condition at line "
                + condition.location().line()
                + " does not hold: "
                + condition.why(arguments, sandbox));
      }
    }
    return Optional.empty();
  }

  /**
   * {@return how precisely the rule names tools: an exact name beats any glob, then more literal
   * characters}
   */
  int specificity() {
    return pattern.indexOf('*') < 0 ? Integer.MAX_VALUE : pattern.replace("*", "").length();
  }
}
