package io.toolguard.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.toolguard.agent.annotation.SuppressForbidden;
import io.toolguard.agent.options.AgentOptions;
import io.toolguard.agent.options.AgentProperties;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code attach PID OPTIONS}: loads the agent into a JVM that is already running, after checking
 * the policy here, where its problems can be shown, and refusing a JVM toolguard already guards.
 */
@SuppressForbidden(
    reason =
        "the Attach API (module jdk.attach) is the JDK's supported way to load an agent into a running JVM")
public final class AttachCommand implements Command {

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: java -jar toolguard-agent.jar attach PID policy=PATH[,mode=enforce|audit][,audit=PATH][,reload=SECONDS]",
        "Loads toolguard into the running JVM with process id PID (same user, JDK 17 or newer); from then on it",
        "guards that JVM as -javaagent would, including the tool classes it has loaded already. Relative paths are",
        "taken from the current folder. The policy is checked first: when it is invalid, or the JVM is guarded",
        "already, nothing is changed. JDK 21 and newer print a warning when an agent is loaded this way; start the",
        "JVM with -XX:+EnableDynamicAgentLoading to allow it silently.",
        "Exit status 0 when attached, 1 when not.");
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() != 2 || !args.get(0).matches("[1-9][0-9]{0,18}")) {
      throw new IllegalArgumentException(
          "give the process id of a running JVM, then the agent options");
    }
    long pid = Long.parseLong(args.get(0));
    AgentOptions options =
        AgentOptions.parse(args.get(1)).withPathsFrom(Path.of("").toAbsolutePath());
    String policy =
        options
            .policy()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "policy=PATH is required: the policy file the attached agent enforces"));
    if (pid == ProcessHandle.current().pid()) {
      throw new IllegalArgumentException(
          pid + " is this command's own process id; give the id of the JVM to guard");
    }
    Optional<Path> agentJar = agentJar();
    if (agentJar.isEmpty()) {
      err.println(
          "attach runs from the agent jar only: java -jar toolguard-agent.jar attach PID OPTIONS");
      return Cli.FAILED;
    }
    try {
      PolicyParser.parse(Path.of(policy));
    } catch (PolicyException invalid) {
      err.println(invalid.getMessage());
      err.println("the policy is invalid, so nothing was attached to JVM " + pid);
      return Cli.FAILED;
    }
    VirtualMachine target;
    try {
      target = VirtualMachine.attach(args.get(0));
    } catch (AttachNotSupportedException | IOException | SecurityException notAttachable) {
      err.println(
          "cannot attach to process "
              + pid
              + ": "
              + notAttachable.getMessage()
              + "; it must be a running"
              + " JVM of this user, started without -XX:+DisableAttachMechanism");
      return Cli.FAILED;
    }
    try {
      return load(target, pid, agentJar.get(), options.text(), out, err);
    } catch (IOException lost) {
      err.println(
          "lost the connection to JVM "
              + pid
              + " ("
              + lost.getMessage()
              + "); run the command again to see"
              + " whether toolguard runs there");
      return Cli.FAILED;
    } finally {
      detach(target);
    }
  }

  private static int load(
      VirtualMachine target,
      long pid,
      Path agentJar,
      String options,
      PrintStream out,
      PrintStream err)
      throws IOException {
    Properties before = target.getSystemProperties();
    String running = before.getProperty(AgentProperties.RUNNING);
    if (running != null) {
      err.println(
          "JVM "
              + pid
              + " is guarded already, so nothing was changed: "
              + running
              + ". toolguard reloads its policy file when the file changes; to use another file, restart the JVM");
      return Cli.FAILED;
    }
    int javaVersion =
        Integer.parseInt(
            before.getProperty("java.specification.version", "0").replaceFirst("^1\\.", ""));
    if (javaVersion < 17) {
      err.println(
          "JVM "
              + pid
              + " runs Java "
              + javaVersion
              + "; toolguard needs Java 17 or newer, so nothing was changed");
      return Cli.FAILED;
    }
    try {
      target.loadAgent(agentJar.toString(), options);
    } catch (AgentLoadException | AgentInitializationException failed) {
      String reason = target.getSystemProperties().getProperty(AgentProperties.ATTACH_FAILURE);
      err.println(
          "toolguard did not start in JVM "
              + pid
              + ", which runs on unguarded: "
              + (reason != null
                  ? reason
                  : failed.getMessage()
                      + (javaVersion >= 21
                          ? "; a JVM started with -XX:-EnableDynamicAgentLoading refuses"
                              + " agents loaded while it runs: start it with -javaagent instead"
                          : "")));
      return Cli.FAILED;
    }
    Properties after = target.getSystemProperties();
    out.println("attached to JVM " + pid + ": " + after.getProperty(AgentProperties.RUNNING));
    out.println("approvals: " + after.getProperty(AgentProperties.APPROVALS, "unknown"));
    return Cli.OK;
  }

  private static Optional<Path> agentJar() {
    try {
      return Optional.of(
              Path.of(
                  AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
          .filter(Files::isRegularFile);
    } catch (URISyntaxException | InvalidPathException unknown) {
      return Optional.empty();
    }
  }

  private static void detach(VirtualMachine target) {
    try {
      target.detach();
    } catch (IOException alreadyGone) {
      // The connection is closed either way.
    }
  }
}
