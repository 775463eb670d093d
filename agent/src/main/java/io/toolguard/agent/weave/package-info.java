/**
 * The JDK weaving engine: hook tables as typed rows ({@code Hook}, the sealed {@code Insertion},
 * whose checks name the {@code Dispatcher} entry they call), the ASM inserter, and the weaver that
 * retransforms JDK classes at start-up and refuses to start when a required hook cannot be woven.
 * Beside it {@code Provenance}, the one table of whose code a class or caller is (the JDK's,
 * toolguard's own, or a known library's acting on its own behalf) and for which check, that every
 * check asking so consults. Knows the bridge's entries by name and descriptor, not the guards;
 * depends on no other agent package.
 */
package io.toolguard.agent.weave;
