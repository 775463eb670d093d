/**
 * The bridge: the only toolguard classes on the bootstrap class path, called by code woven into JDK
 * and application classes of every loader. {@code Dispatcher} has tool entry and exit and one check
 * entry per kind of access, each forwarding to its own hook of those the agent registers once at
 * start-up; {@code HandOffs} carries a tool's context to the threads and tasks it hands work to;
 * the package-private {@code ToolFrames} holds the per-thread stack of contexts both share. Uses
 * JDK types only and depends on nothing else of toolguard; the agent copies every entry of this
 * package into a small jar it appends to the bootstrap search path.
 */
package io.toolguard.bootstrap;
