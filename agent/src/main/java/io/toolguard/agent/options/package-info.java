/**
 * What the two doors share: the {@code -javaagent} option string, the system properties a guarded
 * JVM sets for an attaching command, and the agent's version. Depends only on {@code policy} (for
 * the mode), so both the start-up and the command line may use it.
 */
package io.toolguard.agent.options;
