package io.toolguard.agent.policy;

import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Path;

/**
 * Policies written inline in a test, read as the agent reads a file {@code app.yaml} in {@link
 * #FOLDER}.
 */
public final class PolicyText {

  /**
   * The folder the inline policy is read as if it sat in (relative sandboxes resolve against it).
   */
  public static final Path FOLDER = Path.of("/etc/toolguard");

  private PolicyText() {}

  public static Policy parse(String yaml) throws PolicyException {
    return PolicyParser.parse("app.yaml", FOLDER, yaml);
  }
}
