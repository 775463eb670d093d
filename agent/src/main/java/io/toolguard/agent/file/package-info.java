/**
 * File confinement: the JDK methods that touch the disk ({@code FileHooks}), where a path really
 * leads ({@code RealPath}), the files the JVM shares read-only, the libraries that act on their own
 * behalf, toolguard's own files that no tool may touch ({@code ProtectedFiles}), and {@code
 * FileGuard}, which keeps tools off those and hands every other access to the gate. Depends on
 * {@code guard}, {@code policy}, {@code audit}, {@code weave} (for its hook table and whose code a
 * caller is) and the bridge's access bits.
 */
package io.toolguard.agent.file;
