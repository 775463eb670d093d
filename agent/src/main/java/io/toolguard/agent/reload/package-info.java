/**
 * Policy reloading: a daemon thread that checks the policy file for changes, replaces the policy in
 * force whole when a new one is valid, and records both outcomes. Depends on {@code policy}, {@code
 * policy.read} and {@code audit}.
 */
package io.toolguard.agent.reload;
