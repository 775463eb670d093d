/**
 * JVM-wide actions: the JDK methods that change the whole JVM or open classes up by reflection
 * ({@code JvmHooks}) and {@code JvmGuard}, which denies them inside tools. Depends on {@code
 * guard}, {@code policy}, {@code audit} and {@code weave}.
 */
package io.toolguard.agent.jvm;
