package io.toolguard.agent.policy;

import java.nio.file.Path;
import java.util.List;

/**
 * The policy's {@code exec_sandbox} setting: the mode for tools whose rule sets none, and the
 * system folders every sandboxed process may read and run programs from.
 *
 * @param systemDefaults whether the documented default list of system folders is in (the word
 *     {@code default} in {@code system_read}, or no {@code system_read} at all)
 * @param systemRead further absolute paths, read and run beneath
 */
public record ExecSandbox(SandboxMode mode, boolean systemDefaults, List<Path> systemRead) {

  /** The default: {@code kernel}, with the default system folders. */
  public static final ExecSandbox DEFAULT = new ExecSandbox(SandboxMode.KERNEL, true, List.of());

  public ExecSandbox {
    systemRead = List.copyOf(systemRead);
  }
}
