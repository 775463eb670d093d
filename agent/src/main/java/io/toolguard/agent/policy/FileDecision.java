package io.toolguard.agent.policy;

/** What the policy says about one file access by a tool: allowed or denied, and why. */
public record FileDecision(Outcome outcome, String reason) {}
