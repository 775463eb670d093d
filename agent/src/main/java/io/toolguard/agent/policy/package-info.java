/**
 * The policy model and its decisions: rules, the grants of each kind (files, commands, network,
 * environment) that decide their own kind of access, risks, verdicts, the sealed {@code
 * AccessDecision}, and the policy in force ({@code ActivePolicy}). Pure values and functions:
 * depends on no other toolguard package, so the agent and the command line decide alike.
 */
package io.toolguard.agent.policy;
