/**
 * The bridge: the only toolguard classes on the bootstrap class path, called by code woven into
 * JDK and application classes of every loader, and forwarding each check to the hooks the agent
 * registers once at start-up. Uses JDK types only and depends on nothing else of toolguard; the
 * agent copies this package into a small jar it appends to the bootstrap search path.
 */
package io.toolguard.bootstrap;
