/**
 * Process starts: the JDK methods that start processes ({@code ExecHooks}), how a command name
 * leads to an executable ({@code Executables}, shared with the command line), and {@code
 * ExecGuard}, which decides the command, its redirects (as file accesses) and the environment it
 * inherits. Depends on {@code guard}, {@code file}, {@code env}, {@code policy}, {@code audit},
 * {@code weave} and the bridge.
 */
package io.toolguard.agent.exec;
