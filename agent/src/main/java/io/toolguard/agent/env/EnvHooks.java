package io.toolguard.agent.env;

import static io.toolguard.bootstrap.Dispatcher.ENV;
import static io.toolguard.bootstrap.Dispatcher.PROPERTY;
import static io.toolguard.bootstrap.Dispatcher.WHOLE;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Check;
import io.toolguard.agent.weave.Insertion.Constant;
import io.toolguard.agent.weave.Insertion.Nothing;
import io.toolguard.agent.weave.Insertion.Source;
import java.util.List;
import java.util.Map;

/**
 * Where a tool reads the environment and the system properties: {@code System.getenv} (one
 * variable, or the whole map), {@code System.getProperty} and {@code getProperties}, and
 * {@code ProcessBuilder.environment}, the map a started process inherits.
 */
public final class EnvHooks {

  /** The detail that asks for a mutable map to be trimmed rather than copied. */
  static final String IN_PLACE = "in place";

  private EnvHooks() {}

  /** {@return the hooks by internal class name} */
  public static Map<String, List<Hook>> forThisJvm() {
    return Map.of(
        "java/lang/System", List.of(
            Hook.at("getenv", "(Ljava/lang/String;)Ljava/lang/String;", rename(ENV)),
            whole("getenv", "()Ljava/util/Map;", ENV, new Nothing()),
            Hook.at("getProperty", "(Ljava/lang/String;)Ljava/lang/String;", rename(PROPERTY)),
            Hook.at("getProperty", "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", rename(PROPERTY)),
            whole("getProperties", "()Ljava/util/Properties;", PROPERTY, new Nothing())),
        // The builder's own copy, which the process will inherit: trimmed where it stands.
        "java/lang/ProcessBuilder", List.of(whole("environment", "()Ljava/util/Map;", ENV, new Constant(IN_PLACE))));
  }

  /** The name the method looks up is replaced by the dispatcher's answer: itself, or one that is never set. */
  private static Check rename(int kind) {
    return new Check(new Argument(0), kind, new Nothing(), true);
  }

  /** What the method returns is replaced by the dispatcher's answer: the map with only what the tool may read. */
  private static Hook whole(String name, String descriptor, int kind, Source detail) {
    return new Hook(name, descriptor, false, List.of(new Check(new Nothing(), kind | WHOLE, detail, true)), true, true);
  }
}
