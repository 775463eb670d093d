package io.toolguard.agent.tool;

import io.toolguard.agent.policy.FileGrants;

/**
 * What a running tool may do: the context its body runs in, kept per thread by the bootstrap
 * dispatcher. A nested tool's context keeps its {@code outer} one, and a check must pass every
 * level, so a tool called from another tool has at most the outer tool's grants.
 */
record ToolContext(String callId, String tool, FileGrants files, ToolContext outer) {}
