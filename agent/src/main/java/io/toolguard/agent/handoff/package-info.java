/**
 * Context propagation: the JDK methods where work changes threads (thread start, executors,
 * fork/join, timers) woven so that work a tool hands off runs in the tool's context, and which
 * threads a tool starts inherit it. Depends on {@code weave} only.
 */
package io.toolguard.agent.handoff;
