package io.toolguard.agent.policy;

import java.util.Optional;

/**
 * What a tool's annotation says about its risk: toolguard's {@code @Tool} states one; a framework's
 * annotation states none, so the policy's {@code default_risk} applies, which MCP's hints may move
 * — never past a rule's {@code risk}, which the policy applies over this.
 *
 * @param stated the risk the annotation states, if it does
 * @param hint what MCP's hints say, for a tool that states no risk
 */
public record DeclaredRisk(Optional<Risk> stated, Hint hint) {

  /** An annotation that says nothing about risk. */
  public static final DeclaredRisk UNSTATED = new DeclaredRisk(Optional.empty(), Hint.NONE);

  /** MCP's {@code readOnlyHint} and {@code destructiveHint}. */
  public enum Hint {
    /** No hints given. */
    NONE,
    /** {@code readOnlyHint = true}: one level below the default, at least LOW. */
    READ_ONLY,
    /**
     * Neither read-only nor additive ({@code destructiveHint} is true by MCP's default): at least
     * HIGH.
     */
    DESTRUCTIVE,
    /** {@code destructiveHint = false}: changes things, only by adding: the default. */
    ADDITIVE
  }

  /** {@return the risk the annotation states} */
  public static DeclaredRisk of(Risk risk) {
    return new DeclaredRisk(Optional.of(risk), Hint.NONE);
  }

  /** {@return the risk of an annotation with MCP's hints} */
  public static DeclaredRisk hinted(boolean readOnly, boolean destructive) {
    return new DeclaredRisk(
        Optional.empty(),
        readOnly ? Hint.READ_ONLY : destructive ? Hint.DESTRUCTIVE : Hint.ADDITIVE);
  }

  /**
   * {@return the risk this declares under a policy whose {@code default_risk} is {@code
   * defaultRisk}}
   */
  @SuppressWarnings(
      "EnumOrdinal") // Risk's constants are declared from lowest to highest: one step down
  public Risk under(Risk defaultRisk) {
    // Not orElseGet with a lambda: every tool call decides its risk here, and the first would spin
    // the lambda's class.
    if (stated.isPresent()) {
      return stated.get();
    }
    return switch (hint) {
      case NONE, ADDITIVE -> defaultRisk;
      case READ_ONLY -> Risk.values()[Math.max(0, defaultRisk.ordinal() - 1)];
      case DESTRUCTIVE -> defaultRisk.compareTo(Risk.HIGH) < 0 ? Risk.HIGH : defaultRisk;
    };
  }
}
