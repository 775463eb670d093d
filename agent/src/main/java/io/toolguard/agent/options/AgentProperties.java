package io.toolguard.agent.options;

/**
 * The system properties through which a guarded JVM tells an attaching command about itself: the
 * agent sets them at start-up, the {@code attach} command reads them in the target JVM.
 */
public final class AgentProperties {

  /**
   * Set in a guarded JVM to what guards it; the attach command reads it to refuse a second agent.
   */
  public static final String RUNNING = "toolguard.agent";

  /**
   * Set in a guarded JVM to where its calls are approved (the page's address and token file, the
   * terminal); the attach command prints it for whoever attached.
   */
  public static final String APPROVALS = "toolguard.agent.approvals";

  /** Set when an attach failed, to why; the attach command reads it to report the failure. */
  public static final String ATTACH_FAILURE = "toolguard.agent.failure";

  private AgentProperties() {}
}
