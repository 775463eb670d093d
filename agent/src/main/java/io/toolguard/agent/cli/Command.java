package io.toolguard.agent.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One sub-command of the agent jar's command line; public for the attach command, which lives
 * beside the agent's start.
 */
public interface Command {

  /** {@return the usage text, starting with the command line} */
  String usage();

  /** {@return the exit status} */
  int run(List<String> args, PrintStream out, PrintStream err);
}
