/**
 * Code born inside a tool: class loaders a tool creates, the classes they define and the lambdas
 * and hidden classes those define, woven so that each of their methods runs in the confinement of
 * the tool call they were born in, wherever and whenever it runs ({@code
 * io.toolguard.bootstrap.Born}).
 */
package io.toolguard.agent.born;
