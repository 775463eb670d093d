package io.toolguard.agent.policy;

import java.util.Optional;

/**
 * Whether the processes a tool starts run in a kernel sandbox built from its grants ({@code
 * exec_sandbox}): {@code kernel} where the kernel and JDK can (else they start as before, and the
 * audit log says why), {@code off}, or {@code required}: a process that cannot be confined does not
 * start.
 */
public enum SandboxMode implements Keyword {
  KERNEL,
  OFF,
  REQUIRED;

  /** {@return the mode policies spell {@code name}, if there is one} */
  public static Optional<SandboxMode> named(String name) {
    return Keyword.parse(SandboxMode.class, name);
  }
}
