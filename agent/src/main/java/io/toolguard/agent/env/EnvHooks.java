package io.toolguard.agent.env;

import static io.toolguard.agent.weave.Insertion.Check.filterProcessEnvironment;
import static io.toolguard.agent.weave.Insertion.Check.filterProperties;
import static io.toolguard.agent.weave.Insertion.Check.filterProperty;
import static io.toolguard.agent.weave.Insertion.Check.filterVariable;
import static io.toolguard.agent.weave.Insertion.Check.filterVariables;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Returned;
import java.util.List;
import java.util.Map;

/**
 * Where a tool reads the environment and the system properties: {@code System.getenv} (one
 * variable, or the whole map), {@code System.getProperty} and {@code getProperties}, and {@code
 * ProcessBuilder.environment}, the map a started process inherits. A name looked up is replaced by
 * the dispatcher's answer (itself, or one that is never set); a whole map returned is replaced by
 * the map with only what the tool may read.
 */
public final class EnvHooks {

  private EnvHooks() {}

  /** {@return the hooks by internal class name} */
  public static Map<String, List<Hook>> forThisJvm() {
    return Map.of(
        "java/lang/System",
            List.of(
                Hook.at(
                    "getenv",
                    "(Ljava/lang/String;)Ljava/lang/String;",
                    filterVariable(new Argument(0))),
                Hook.onReturn("getenv", "()Ljava/util/Map;", filterVariables(new Returned())),
                Hook.at(
                    "getProperty",
                    "(Ljava/lang/String;)Ljava/lang/String;",
                    filterProperty(new Argument(0))),
                Hook.at(
                    "getProperty",
                    "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;",
                    filterProperty(new Argument(0))),
                Hook.onReturn(
                    "getProperties", "()Ljava/util/Properties;", filterProperties(new Returned()))),
        // The builder's own copy, which the process will inherit: trimmed where it stands.
        "java/lang/ProcessBuilder",
            List.of(
                Hook.onReturn(
                    "environment", "()Ljava/util/Map;", filterProcessEnvironment(new Returned()))));
  }
}
