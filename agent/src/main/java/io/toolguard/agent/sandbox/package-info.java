/**
 * The kernel sandbox of the processes a tool starts: the Landlock ruleset its grants make ({@link
 * io.toolguard.agent.sandbox.RulesetPlanner}), and when it applies ({@link
 * io.toolguard.agent.sandbox.ExecSandboxes}).
 */
package io.toolguard.agent.sandbox;
