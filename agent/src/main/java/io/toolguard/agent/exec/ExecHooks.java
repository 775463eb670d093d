package io.toolguard.agent.exec;

import static io.toolguard.agent.weave.Insertion.Check.checkExec;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Receiver;
import java.util.List;
import java.util.Map;

/**
 * Where a process starts: every {@code Runtime.exec}, {@code ProcessBuilder.start} and {@code
 * startPipeline} goes through {@code ProcessBuilder}'s private {@code start}, which is handed to
 * the dispatcher with the builder.
 */
public final class ExecHooks {

  private ExecHooks() {}

  /** {@return the hooks by internal class name} */
  public static Map<String, List<Hook>> forThisJvm() {
    return Map.of(
        "java/lang/ProcessBuilder",
        List.of(
            Hook.at(
                "start",
                "([Ljava/lang/ProcessBuilder$Redirect;)Ljava/lang/Process;",
                checkExec(new Receiver()))));
  }
}
