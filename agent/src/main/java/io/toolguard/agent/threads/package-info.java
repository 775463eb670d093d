/**
 * toolguard's own threads, which no tool may interrupt or stop. Depends on nothing of toolguard's,
 * so that every package that starts a thread can use it.
 */
package io.toolguard.agent.threads;
