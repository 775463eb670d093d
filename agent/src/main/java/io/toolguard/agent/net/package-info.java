/**
 * Network confinement: the JDK methods that connect, send, listen, receive and look names up
 * ({@code NetHooks}), the JDK's connection pools, which never hand a tool a connection ({@code
 * PoolHooks}), and {@code NetGuard}, which decides each address against the tool's {@code net}
 * grants and keeps tools off the approval server. Depends on {@code guard}, {@code policy}, {@code
 * audit}, {@code weave} and the bridge.
 */
package io.toolguard.agent.net;
