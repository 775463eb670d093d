/**
 * Environment confinement: the JDK methods that read environment variables and system properties
 * ({@code EnvHooks}) and {@code EnvGuard}, which makes what a tool may not read look unset and
 * trims the environment of processes it starts. Depends on {@code guard}, {@code policy}, {@code
 * audit}, {@code weave} and the bridge.
 */
package io.toolguard.agent.env;
