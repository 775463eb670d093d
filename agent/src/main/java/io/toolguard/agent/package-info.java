/**
 * The agent's start-up: {@code premain} and {@code agentmain} ({@code ToolGuardAgent}), the
 * fail-closed {@code Startup} that reads the policy and opens the audit log, the bootstrap package
 * defined into the bootstrap loader, and {@code Guards}, which wires the guards to the bootstrap
 * dispatcher and weaves the JDK and the tool classes. The top of the agent: it may depend on every
 * package below it, and none of them (nor the command line in {@code cli}) depends on it.
 */
package io.toolguard.agent;
