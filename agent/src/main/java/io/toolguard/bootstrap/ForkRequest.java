package io.toolguard.bootstrap;

import java.io.IOException;
import java.util.List;

/**
 * One fork the JDK is about to make for a process a tool starts ({@code ProcessImpl.forkAndExec}
 * with exactly its arguments), handed to the agent, which has it made as it is or inside kernel
 * rulesets. Made only by {@link Dispatcher#forkAndExec}, so tool code never holds one.
 *
 * <p>Why only the fork moves to another thread. Landlock confines the thread that applies it and
 * everything that thread starts, for good; so a short-lived thread applies the rulesets and makes
 * this one system call. Everything else of the start stays on the tool's thread: the redirect files
 * it opens (decided by toolguard's file grants), and the JDK's process reaper, whose thread is made
 * on demand by whichever thread starts a process and would otherwise inherit the rulesets.
 */
public final class ForkRequest {

  private final Object process;
  private final int mode;
  private final byte[] helper;
  private final byte[] program;
  private final byte[] arguments;
  private final int argumentCount;
  private final byte[] environment;
  private final int variableCount;
  private final byte[] folder;
  private final int[] descriptors;
  private final boolean redirectErrorStream;

  ForkRequest(
      Object process,
      int mode,
      byte[] helper,
      byte[] program,
      byte[] arguments,
      int argumentCount,
      byte[] environment,
      int variableCount,
      byte[] folder,
      int[] descriptors,
      boolean redirectErrorStream) {
    this.process = process;
    this.mode = mode;
    this.helper = helper;
    this.program = program;
    this.arguments = arguments;
    this.argumentCount = argumentCount;
    this.environment = environment;
    this.variableCount = variableCount;
    this.folder = folder;
    this.descriptors = descriptors;
    this.redirectErrorStream = redirectErrorStream;
  }

  /**
   * {@return whether this fork runs exactly {@code command} in {@code directory}, through the JDK's
   * own spawn helper}: what the start just decided on this thread, and not a fork that code calling
   * {@link Dispatcher#forkAndExec} itself made up
   *
   * @param directory the working folder, or {@code null} for the JVM's
   */
  public boolean runs(java.util.List<String> command, String directory) {
    if (mode < 1 || mode > 3 || !java.util.Arrays.equals(helper, Forks.HELPER)) {
      return false;
    }
    if (command.isEmpty()
        || !java.util.Arrays.equals(program, Forks.cString(command.get(0)))
        || argumentCount != command.size() - 1
        || (directory == null
            ? folder != null
            : !java.util.Arrays.equals(folder, Forks.cString(directory)))) {
      return false;
    }
    java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
    for (String argument : command.subList(1, command.size())) {
      byte[] bytes = argument.getBytes(Forks.JNU);
      block.write(bytes, 0, bytes.length);
      block.write(0);
    }
    return java.util.Arrays.equals(arguments, block.toByteArray());
  }

  /** {@return the process id}, forked here, as the JDK would have */
  public int fork() throws IOException {
    return Forks.fork(
        process,
        mode,
        helper,
        program,
        arguments,
        argumentCount,
        environment,
        variableCount,
        folder,
        descriptors,
        redirectErrorStream);
  }

  /**
   * Forks on a new thread that first restricts itself to each of {@code layers} in turn, and ends
   * right after; this thread waits for it (an interrupt is kept for later: the fork cannot be
   * called back).
   *
   * @return the process id
   * @throws IOException as the JDK's fork throws it (the kernel refusing to run the program, say)
   * @throws IllegalStateException if the rulesets could not be applied: nothing was started
   */
  public int forkConfined(List<KernelSandbox.Layer> layers) throws IOException {
    Landlock landlock = Landlock.get();
    if (landlock == null) {
      throw new IllegalStateException(Landlock.why());
    }
    // Made here: the thread below, once restricted, may no longer read the JDK's classes.
    Forks.ready();
    int[] pid = new int[1];
    Throwable[] failure = new Throwable[1];
    Thread starter =
        new Thread(
            null,
            () -> {
              try {
                for (KernelSandbox.Layer layer : layers) {
                  landlock.restrictSelf(layer);
                }
                pid[0] = fork();
              } catch (Throwable thrown) {
                failure[0] = thrown;
              }
            },
            "toolguard confined start",
            0,
            false);
    starter.setDaemon(true);
    starter.start();
    boolean interrupted = false;
    while (true) {
      try {
        starter.join();
        break;
      } catch (InterruptedException later) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] instanceof IOException refused) {
      throw refused;
    }
    if (failure[0] instanceof RuntimeException problem) {
      throw problem;
    }
    if (failure[0] != null) {
      throw new IllegalStateException(failure[0]);
    }
    return pid[0];
  }
}
