package io.toolguard.agent.exec;

import static io.toolguard.agent.weave.Insertion.Check.checkExec;
import static io.toolguard.agent.weave.Insertion.Check.processStarted;
import static io.toolguard.agent.weave.Insertion.Check.snapshot;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.Returned;
import java.util.List;
import java.util.Map;

/**
 * Where a process starts: every {@code Runtime.exec}, {@code ProcessBuilder.start} and {@code
 * startPipeline} goes through {@code ProcessImpl.start}, which is handed the command array {@code
 * ProcessBuilder} copied, the folder, the environment and the redirects: what the JDK starts, not
 * what a builder a tool still holds says.
 */
public final class ExecHooks {

  /** {@code ProcessImpl.start(cmdarray, environment, dir, redirects, redirectErrorStream)}. */
  private static final String START =
      "([Ljava/lang/String;Ljava/util/Map;Ljava/lang/String;"
          + "[Ljava/lang/ProcessBuilder$Redirect;Z)Ljava/lang/Process;";

  private ExecHooks() {}

  /** {@return the hooks by internal class name} */
  public static Map<String, List<Hook>> forThisJvm() {
    return Map.of(
        "java/lang/ProcessImpl",
        List.of(
            Hook.at(
                "start",
                START,
                // the redirects, copied first, so that the check and the start see the same
                snapshot(new Argument(3)),
                checkExec(new Argument(1), new Argument(0), new Argument(2), new Argument(3))),
            // and the process it started, which the tool may later read about and end
            Hook.onReturn("start", START, processStarted(new Returned()))));
  }
}
