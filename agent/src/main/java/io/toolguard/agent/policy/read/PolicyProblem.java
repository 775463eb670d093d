package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.Location;

/** One thing wrong with a policy file, with where it is. */
public record PolicyProblem(Location location, String message) {

  @Override
  public String toString() {
    return location + ": " + message;
  }
}
