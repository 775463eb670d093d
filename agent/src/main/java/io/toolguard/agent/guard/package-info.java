/**
 * The decision core: the context a tool body runs in ({@code ToolContext}), the call guard that
 * decides each tool call, the registry of woven tool methods, argument summaries, and {@code
 * AccessGate}, the one place where every kind of access a tool makes is decided at every level of
 * its context, asked about, recorded and denied. Depends on {@code policy}, {@code approval},
 * {@code audit}, {@code weave} (whether a denied access happens while the JDK initialises a class)
 * and the bridge's hook interface; every domain guard ({@code file}, {@code exec}, {@code net},
 * {@code env}, {@code jvm}) and the tool weaving depend on it.
 */
package io.toolguard.agent.guard;
