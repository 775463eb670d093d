/**
 * Annotations for the build's own checks (such as which forbidden APIs a class may use, and why).
 * Depends on nothing, so every package may use it without a cycle.
 */
package io.toolguard.agent.annotation;
