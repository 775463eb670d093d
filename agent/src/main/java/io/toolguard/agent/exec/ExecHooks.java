package io.toolguard.agent.exec;

import static io.toolguard.agent.weave.Insertion.Check.checkExec;
import static io.toolguard.agent.weave.Insertion.Check.processStarted;
import static io.toolguard.agent.weave.Insertion.Check.snapshot;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.ReplaceCall;
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

  /** {@code ProcessImpl}'s constructor on Linux, which forks. */
  private static final String MAKE = "([B[BI[BI[B[IZZ)V";

  /** {@code ProcessImpl.forkAndExec}, the JDK's fork on Linux. */
  private static final String FORK = "(I[B[B[BI[BI[B[IZ)I";

  private ExecHooks() {}

  /**
   * {@return the hooks by internal class name}
   *
   * @param forkHere whether the fork itself is woven to go through the dispatcher, so that it can
   *     run in a kernel sandbox (Linux only)
   */
  public static Map<String, List<Hook>> forThisJvm(boolean forkHere) {
    List<Hook> hooks = new java.util.ArrayList<>(forThisJvm().get("java/lang/ProcessImpl"));
    if (forkHere) {
      // the fork, made where the dispatcher says: in the tool's kernel sandbox, say
      hooks.add(
          Hook.at(
              "<init>",
              MAKE,
              new ReplaceCall("java/lang/ProcessImpl", "forkAndExec", FORK, "forkAndExec")));
    }
    return Map.of("java/lang/ProcessImpl", List.copyOf(hooks));
  }

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
