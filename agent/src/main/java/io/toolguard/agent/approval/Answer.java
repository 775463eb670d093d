package io.toolguard.agent.approval;

import java.util.Locale;
import java.util.Optional;

/**
 * What settled a request: a person's choice (with who, through which channel, and for a denial an
 * optional message for the model), or the request's deadline or interruption.
 */
public record Answer(Choice choice, String message, String by, String channel) {

  /** The choices; the first four are a person's, named as the JSON API spells them. */
  public enum Choice {
    /** Run this call. */
    APPROVE,
    /**
     * Run this call and later calls of the tool with exactly these arguments, until the JVM ends.
     */
    APPROVE_SESSION,
    /** Run this call and every later call of the tool, until the JVM ends. */
    APPROVE_TOOL,
    /** Do not run it. */
    DENY,
    /** Nobody decided before the deadline. */
    TIMED_OUT,
    /** The waiting thread was interrupted. */
    INTERRUPTED;

    /** {@return the choice a person may make under this name, if any} */
    public static Optional<Choice> byPerson(String name) {
      for (Choice choice : new Choice[] {APPROVE, APPROVE_SESSION, APPROVE_TOOL, DENY}) {
        if (choice.label().equals(name)) {
          return Optional.of(choice);
        }
      }
      return Optional.empty();
    }

    /** {@return the name as the API and the audit log write it} */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public boolean approves() {
      return this == APPROVE || this == APPROVE_SESSION || this == APPROVE_TOOL;
    }
  }

  static Answer timedOut() {
    return new Answer(Choice.TIMED_OUT, null, null, null);
  }

  static Answer interrupted() {
    return new Answer(Choice.INTERRUPTED, null, null, null);
  }
}
