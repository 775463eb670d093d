package io.toolguard.agent.policy.read;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that cannot be used; carries every problem found, each with file, line and column. */
public final class PolicyException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<PolicyProblem> problems;

  PolicyException(List<PolicyProblem> problems) {
    super(problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** {@return the problems, in file order} */
  public List<PolicyProblem> problems() {
    return problems;
  }
}
