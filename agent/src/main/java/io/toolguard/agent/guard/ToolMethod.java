package io.toolguard.agent.guard;

import io.toolguard.agent.policy.DeclaredRisk;
import java.util.List;

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
}
