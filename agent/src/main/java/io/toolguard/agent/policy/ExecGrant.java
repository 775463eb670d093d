package io.toolguard.agent.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A command a tool may run, from a rule's {@code exec} list: the executable, by the bare name the
 * tool gives (looked up on the JVM's {@code PATH}) or by its absolute path (stored as the real path
 * it leads to); optionally the arguments it may take, as patterns over the arguments joined by
 * single spaces, where {@code *} matches any run of characters; and whether each run first needs a
 * person's approval.
 */
public record ExecGrant(String command, Optional<List<String>> args, boolean ask) {

  public ExecGrant {
    args = args.map(List::copyOf);
  }

  /**
   * {@return whether this grant names the command}
   *
   * @param name the executable as the tool gave it (the command's first word)
   * @param executable the real path of the file that would run, if it could be found
   * @param arguments the other words, joined by single spaces
   */
  public boolean matches(String name, Optional<Path> executable, String arguments) {
    boolean program =
        command.startsWith("/")
            ? executable.map(real -> real.toString().equals(command)).orElse(false)
            : command.equals(name);
    return program
        && args.map(patterns -> patterns.stream().anyMatch(p -> Wildcard.matches(p, arguments)))
            .orElse(true);
  }

  @Override
  public String toString() {
    return command
        + args.map(patterns -> " with arguments " + patterns).orElse(" with any arguments");
  }

  /**
   * Decides a process start against a rule's exec grants: one that asks beats one that does not.
   *
   * @param rule the location of the rule the grants come from
   */
  public static AccessDecision decide(
      List<ExecGrant> grants,
      String name,
      Optional<Path> executable,
      String arguments,
      String rule) {
    ExecGrant granting = null;
    for (ExecGrant grant : grants) {
      if (grant.matches(name, executable, arguments)) {
        if (grant.ask()) {
          return AccessDecision.asked("exec grant", grant, rule);
        }
        granting = granting == null ? grant : granting;
      }
    }
    if (granting != null) {
      return AccessDecision.granted("exec grant", granting, rule);
    }
    return AccessDecision.denied(
        grants.isEmpty()
            ? "the tool's rule grants no command (add an 'exec' list)"
            : "no exec grant of the tool's rule names '" + name + "' with these arguments");
  }
}
