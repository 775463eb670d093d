/**
 * Finding and weaving tool methods: which annotations mark a tool (toolguard's, LangChain4j's,
 * Spring AI's, MCP's, and those a policy lists), the class-load prefilter, the ASM reading of class
 * files that finds them ({@code ClassModel}), and the plain-ASM weaver that calls the bootstrap
 * dispatcher around each tool body ({@code ToolWeaver}). Nothing here uses Byte Buddy beyond its
 * bundled ASM, so a JVM whose classes have no tools never loads it. Depends on {@code guard} (to
 * register methods and build the call guard), {@code weave} (whose classes are toolguard's or the
 * JDK's) and the bridge; decides nothing itself.
 */
package io.toolguard.agent.tool;
