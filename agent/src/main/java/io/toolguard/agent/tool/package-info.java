/**
 * Finding and weaving tool methods: which annotations mark a tool (toolguard's, LangChain4j's,
 * Spring AI's, MCP's, and those a policy lists), the class-load prefilter, and the Byte Buddy
 * advice that calls the bootstrap dispatcher around each tool body. Depends on {@code guard} (to
 * register methods and build the call guard), {@code weave} (whose classes are toolguard's or the
 * JDK's) and the bridge; decides nothing itself.
 */
package io.toolguard.agent.tool;
