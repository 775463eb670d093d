/**
 * The command line ({@code java -jar toolguard-agent.jar …}): validate, explain, test, suggest,
 * schema and attach. Reads policies through {@code policy.read} and decides through the model in
 * {@code policy}, exactly as the agent would, but never calls runtime guards or the start-up.
 */
package io.toolguard.agent.cli;
