package io.toolguard.agent.policy;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One test case for a policy: a call to a tool (and optionally a file access by it), the outcome
 * the policy must give, and optionally the line of the rule that must decide.
 *
 * @param risk the risk the tool's annotation declares
 * @param path the file for {@code operation}, absolute or relative to the sandbox root
 * @param location where the case is written, for failure messages
 */
public record PolicyCase(
    String name,
    String tool,
    Risk risk,
    Optional<FileOperation> operation,
    String path,
    Outcome expected,
    OptionalInt ruleLine,
    Location location) {}
