package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.NetReachApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reaching out by what the model puts in a tool's arguments, past the connect check: looking a name
 * up (which sends it to the name servers), looking an address's name up, {@code isReachable},
 * receiving datagrams, and Unix-domain sockets. Each route first runs without the agent, to show
 * that the harm happens, then with it. Name lookups go to a hosts file ({@code
 * -Djdk.net.hosts.file}), the JDK's resolver for tests: a name it answers was looked up.
 */
class NetReachIT {

  private static final String EXFIL = "exfil-s3cret.attacker.example";

  @TempDir Path temp;

  private Path box;
  private Path outside;
  private int http;
  private int echo;
  private int udpGranted;
  private int udpOther;
  private int udpHanded;

  @BeforeEach
  void setUp() throws Exception {
    Path root = temp.toRealPath();
    box = Files.createDirectories(root.resolve("box"));
    outside = Files.createDirectories(root.resolve("outside"));
    http = ApprovalApi.freePort();
    echo = ApprovalApi.freePort();
    udpGranted = ApprovalApi.freePort();
    udpOther = ApprovalApi.freePort();
    udpHanded = ApprovalApi.freePort();
    Files.writeString(
        box.resolve("hosts"),
        """
        127.0.0.1 api.granted.example
        127.0.0.1 %s
        127.0.0.3 reverse.attacker.example
        127.0.0.1 localhost
        127.0.0.7 %s
        """
            .formatted(EXFIL, Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()));
    Files.writeString(
        box.resolve("policy.yaml"),
        """
        version: 1
        sandbox: .
        tools:
          "net_*":
            decision: allow
            files:
              write: ["*.sock", "%1$s/fileonly.sock", "%1$s/both.sock"]
              delete: ["*.sock"]
            net:
              connect:
                - "api.granted.example:%2$d"
                - "127.0.0.1:%3$d"
                - "127.0.0.5:7"
                - "unix:%1$s/netonly.sock"
                - "unix:%1$s/both.sock"
                - "unix:*.sock"
              listen: ["127.0.0.1:%4$d", "230.0.0.2:*", "unix:*.sock"]
        """
            .formatted(outside, http, echo, udpGranted));
  }

  private ChildJvm.Result run(boolean agent) throws Exception {
    ChildJvm child = ChildJvm.in(box).jvmArg("-Djdk.net.hosts.file=hosts");
    if (agent) {
      child.agent("policy=policy.yaml,audit=audit.jsonl");
    }
    return child.app(
        NetReachApp.class,
        String.valueOf(http),
        String.valueOf(echo),
        String.valueOf(udpGranted),
        String.valueOf(udpOther),
        outside.toString(),
        String.valueOf(udpHanded));
  }

  /**
   * The output, with the wildcard address (IPv4 or IPv6, as the machine has) replaced by ANY, and
   * the ephemeral port a datagram socket got by N.
   */
  private static List<String> lines(ChildJvm.Result result) {
    return result
        .stdout()
        .lines()
        .map(
            line ->
                line.replaceAll("\\((0\\.0\\.0\\.0|0:0:0:0:0:0:0:0)\\) port [0-9]+", "(ANY) port N")
                    .replaceAll("\\(230\\.0\\.0\\.1\\) port [0-9]+", "(230.0.0.1) port N"))
        .toList();
  }

  @Test
  void withoutTheAgentEveryToolReachesOutByItsArguments() throws Exception {
    ChildJvm.Result result = run(false);

    assertThat(lines(result))
        .as(result.toString())
        .containsExactly(
            "lookup exfil: ran: 127.0.0.1",
            "lookup granted: ran: 127.0.0.1",
            "lookup literal: ran: 127.0.0.9",
            "lookup localhost: ran: 127.0.0.1",
            "this machine's name: ran: 127.0.0.7",
            "HttpClient exfil: ran: HTTP 200",
            "HttpClient granted: ran: HTTP 200",
            "reverse other: ran: reverse.attacker.example",
            "reverse granted: ran: api.granted.example",
            "isReachable other: ran: true",
            "isReachable granted: ran: true",
            "UDP listen other: ran: hello",
            "UDP listen granted: ran: hello",
            "UDP unconnected reply: ran: pong",
            "UDP connected reply: ran: pong",
            "UDP socket bound outside the tool: ran: hello",
            "multicast join other: ran: joined",
            "multicast join granted: ran: joined",
            "unix none: ran: sent",
            "unix fileonly: ran: sent",
            "unix netonly: ran: sent",
            "unix both: ran: sent",
            "unix via link: ran: sent",
            "unix bind outside: ran: listening",
            "unix bind granted: ran: listening",
            "outside a tool: ran: 127.0.0.1",
            "listeners reached: [both.sock got both, fileonly.sock got fileonly, netonly.sock got"
                + " netonly, none.sock got link, none.sock got none]");
  }

  @Test
  void withTheAgentAToolReachesOnlyWhatItsGrantsName() throws Exception {
    ChildJvm.Result result = run(true);

    String rule = " [rule policy.yaml:4]";
    String outsideFile =
        ": it is outside the sandbox root " + box + " and no absolute write glob grants it" + rule;
    assertThat(lines(result))
        .as(result.toString())
        .containsExactly(
            "lookup exfil: denied: Tool 'net_lookup' may not resolve the host name "
                + EXFIL
                + ": no connect or listen grant of the tool's rule names the host "
                + EXFIL
                + rule,
            "lookup granted: ran: 127.0.0.1",
            "lookup literal: ran: 127.0.0.9",
            "lookup localhost: ran: 127.0.0.1",
            "this machine's name: ran: 127.0.0.7",
            "HttpClient exfil: denied: Tool 'net_fetch' may not resolve the host name "
                + EXFIL
                + ": no connect or listen grant of the tool's rule names the host "
                + EXFIL
                + rule,
            "HttpClient granted: ran: HTTP 200",
            "reverse other: denied: Tool 'net_host_name' may not look up the host name of"
                + " (127.0.0.3): no connect or listen grant of the tool's rule names the address"
                + " 127.0.0.3"
                + rule,
            "reverse granted: ran: api.granted.example",
            "isReachable other: denied: Tool 'net_ping' may not connect to (127.0.0.1) port 7: no"
                + " connect grant of the tool's rule names (127.0.0.1) port 7"
                + rule,
            "isReachable granted: ran: true",
            "UDP listen other: denied: Tool 'net_udp_listen' may not listen on (127.0.0.1) port "
                + udpOther
                + ": no listen grant of the tool's rule names (127.0.0.1) port "
                + udpOther
                + rule,
            "UDP listen granted: ran: hello",
            "UDP unconnected reply: denied: Tool 'net_udp_ask' may not listen on (ANY) port N:"
                + " no listen grant of the tool's rule names (ANY) port N"
                + rule,
            "UDP connected reply: ran: pong",
            "UDP socket bound outside the tool: denied: Tool 'net_udp_handed' may not listen on"
                + " (127.0.0.1) port "
                + udpHanded
                + ": no listen grant of the tool's rule names (127.0.0.1) port "
                + udpHanded
                + rule,
            "multicast join other: denied: Tool 'net_multicast' may not listen on (230.0.0.1) port"
                + " N: no listen grant of the tool's rule names (230.0.0.1) port N"
                + rule,
            "multicast join granted: ran: joined",
            "unix none: denied: Tool 'net_unix_send' may not write '"
                + outside.resolve("none.sock")
                + "'"
                + outsideFile,
            "unix fileonly: denied: Tool 'net_unix_send' may not connect to unix:"
                + outside.resolve("fileonly.sock")
                + ": no connect grant of the tool's rule names unix:"
                + outside.resolve("fileonly.sock")
                + rule,
            "unix netonly: denied: Tool 'net_unix_send' may not write '"
                + outside.resolve("netonly.sock")
                + "'"
                + outsideFile,
            "unix both: ran: sent",
            "unix via link: denied: Tool 'net_unix_send' may not write 'link.sock' ("
                + outside.resolve("none.sock")
                + ")"
                + outsideFile,
            "unix bind outside: denied: Tool 'net_unix_listen' may not write '"
                + outside.resolve("new.sock")
                + "'"
                + outsideFile,
            "unix bind granted: ran: listening",
            "outside a tool: ran: 127.0.0.1",
            "listeners reached: [both.sock got both]");
    List<Map<String, String>> net =
        AuditLines.read(box.resolve("audit.jsonl")).stream()
            .filter(line -> "net".equals(line.get("event")))
            .toList();
    assertThat(net)
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("tool", "net_lookup")
                    .containsEntry("operation", "resolve")
                    .containsEntry("host", EXFIL)
                    .containsEntry("decision", "deny"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("tool", "net_ping")
                    .containsEntry("operation", "connect")
                    .containsEntry("address", "127.0.0.1:7")
                    .containsEntry("decision", "deny"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("tool", "net_unix_send")
                    .containsEntry("operation", "connect")
                    .containsEntry("address", "unix:" + outside.resolve("fileonly.sock"))
                    .containsEntry("decision", "deny"));
  }
}
