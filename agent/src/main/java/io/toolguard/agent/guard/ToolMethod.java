package io.toolguard.agent.guard;

import io.toolguard.agent.policy.DeclaredRisk;
import java.util.List;
import java.util.Objects;

/**
 * A method the agent guards, as read from its class file when the class was loaded.
 *
 * @param name the tool's name as the policy refers to it
 * @param risk what its annotation says about its risk
 * @param signature {@code class#method}, for audit logs
 * @param parameterNames names for the argument summary ({@code arg0}… when the class file has none)
 */
public record ToolMethod(
    String name, DeclaredRisk risk, String signature, List<String> parameterNames) {

  public ToolMethod {
    parameterNames = List.copyOf(parameterNames);
  }

  // equals and hashCode written out: a record's own are bootstrapped through method handles the
  // first time, which cost the first class with tools several milliseconds.

  @Override
  public boolean equals(Object other) {
    return other instanceof ToolMethod that
        && name.equals(that.name)
        && signature.equals(that.signature)
        && risk.stated().equals(that.risk.stated())
        && risk.hint() == that.risk.hint()
        && parameterNames.equals(that.parameterNames);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, signature, risk.stated(), risk.hint(), parameterNames);
  }
}
