/**
 * The JDK weaving engine: hook tables as typed rows ({@code Hook}, the sealed {@code Insertion}),
 * the ASM inserter, and the weaver that retransforms JDK classes at start-up and refuses to start
 * when a required hook cannot be woven. Knows the bootstrap dispatcher's names, not the guards;
 * depends on no other agent package.
 */
package io.toolguard.agent.weave;
