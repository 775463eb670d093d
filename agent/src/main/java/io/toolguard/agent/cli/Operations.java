package io.toolguard.agent.cli;

import io.toolguard.agent.exec.Executables;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.EnvKind;
import io.toolguard.agent.policy.FileOperation;
import io.toolguard.agent.policy.HostPort;
import io.toolguard.agent.policy.Keyword;
import io.toolguard.agent.policy.NetOperation;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.ToolDecision;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code explain} and {@code test} decide besides the call: a file access (taken as written,
 * links not followed), a command (looked up on this machine's PATH), a connection or listening
 * socket (a host name resolved here; a Unix-domain socket as {@code unix:PATH}, taken as written),
 * or an environment variable or system property read, each as the running agent would decide it.
 */
final class Operations {

  private Operations() {}

  /**
   * {@return the policy's decision for {@code op} on {@code target} by a tool decided as {@code
   * tool}}
   *
   * @throws IllegalArgumentException if the target cannot be read or resolved
   */
  static AccessDecision decide(Policy policy, ToolDecision tool, String op, String target) {
    return switch (op) {
      case "read", "write", "delete" ->
          policy.decideFile(tool, Keyword.parse(FileOperation.class, op).orElseThrow(), target);
      case "env" -> policy.decideEnv(tool, EnvKind.VARIABLE, target);
      case "property" -> policy.decideEnv(tool, EnvKind.PROPERTY, target);
      case "exec" -> {
        List<String> words = List.of(target.strip().split("\\s+"));
        yield policy.decideExec(
            tool,
            words.get(0),
            Executables.find(words.get(0), Path.of("").toAbsolutePath()),
            String.join(" ", words.subList(1, words.size())));
      }
      default -> {
        if (target.startsWith("unix:")) {
          // A Unix-domain socket's net decision; its file grant is explained with --op write.
          yield policy.decideSocket(
              tool,
              NetOperation.valueOf(op.toUpperCase(Locale.ROOT)),
              policy.sandbox().resolve(target.substring("unix:".length())).normalize());
        }
        HostPort destination = HostPort.of(target);
        if (destination.lowPort() != destination.highPort() || destination.host().contains("*")) {
          throw new IllegalArgumentException(
              "'"
                  + target
                  + "' is a pattern; give one host and one port, such as"
                  + " api.example.com:443");
        }
        InetAddress address;
        try {
          address =
              destination.literal() != null
                  ? destination.literal()
                  : InetAddress.getByName(destination.host());
        } catch (UnknownHostException unknown) {
          throw new IllegalArgumentException(
              "cannot resolve '" + destination.host() + "' on this machine");
        }
        yield policy.decideNet(
            tool,
            NetOperation.valueOf(op.toUpperCase(Locale.ROOT)),
            destination.literal() != null ? null : destination.host(),
            address,
            destination.lowPort());
      }
    };
  }
}
