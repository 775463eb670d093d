/**
 * Reading policies: the strict YAML reader, the parser and its sections, includes and locked keys
 * ({@code PolicyLayer}), lint warnings, content digests, problems with their file:line:column, and
 * the test cases the command line's {@code test} reads. Builds the model in {@code policy}; the
 * model never depends on it.
 */
package io.toolguard.agent.policy.read;
