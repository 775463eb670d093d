package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NetDecisionTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        fetch:
          decision: allow
          net:
            connect: ["localhost:8000-8099", "203.0.113.7:443", "[::1]:*", "*.api.example:443",
                      "unix:/run/app.sock", "unix:sockets/*.sock"]
            listen: ["127.0.0.1:9000", "unix:own.sock"]
            ask:
              connect: ["*:25"]
        ask_all:
          decision: allow
          net:
            ask:
              connect: ["*:*"]
        idle:
          decision: allow
      """;

  private final Policy policy;
  private final ToolDecision fetch;

  NetDecisionTest() throws Exception {
    policy = PolicyText.parse(POLICY);
    fetch = policy.decide("fetch", DeclaredRisk.of(Risk.LOW));
  }

  private Outcome connect(String name, String address, int port) throws Exception {
    return policy
        .decideNet(fetch, NetOperation.CONNECT, name, InetAddress.getByName(address), port)
        .outcome();
  }

  @Test
  void anAddressLiteralMatchesThatAddressWhateverNameWasGiven() throws Exception {
    assertThat(connect(null, "203.0.113.7", 443)).isEqualTo(Outcome.ALLOW);
    assertThat(connect("example.invalid", "203.0.113.7", 443)).isEqualTo(Outcome.ALLOW);
    assertThat(connect(null, "203.0.113.8", 443)).isEqualTo(Outcome.DENY);
    assertThat(connect(null, "::1", 5432)).isEqualTo(Outcome.ALLOW);
  }

  @Test
  void aNameMatchesOnlyWhenTheToolNamedItAndItResolvesToTheAddress() throws Exception {
    assertThat(connect("localhost", "127.0.0.1", 8080)).isEqualTo(Outcome.ALLOW);
    assertThat(connect("LOCALHOST", "127.0.0.1", 8080))
        .as("names are case-insensitive")
        .isEqualTo(Outcome.ALLOW);
    assertThat(connect(null, "127.0.0.1", 8080)).as("no name given").isEqualTo(Outcome.DENY);
    assertThat(connect("localhost", "10.1.2.3", 8080))
        .as("a forged address")
        .isEqualTo(Outcome.DENY);
    assertThat(connect("localhost", "127.0.0.1", 8100))
        .as("outside the port range")
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void anAskingPatternBeatsAGrantAndListeningIsGrantedApart() throws Exception {
    assertThat(connect(null, "203.0.113.7", 25)).isEqualTo(Outcome.ASK);
    assertThat(
            policy
                .decideNet(
                    fetch, NetOperation.LISTEN, null, InetAddress.getByName("127.0.0.1"), 9000)
                .outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(
            policy
                .decideNet(fetch, NetOperation.LISTEN, null, InetAddress.getByName("0.0.0.0"), 9000)
                .outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(
            policy
                .decideNet(
                    fetch, NetOperation.LISTEN, null, InetAddress.getByName("203.0.113.7"), 443)
                .reason())
        .isEqualTo("no listen grant of the tool's rule names (203.0.113.7) port 443");
  }

  @Test
  void aRuleWithoutNetGrantsReachesNothing() throws Exception {
    assertThat(
            policy
                .decideNet(
                    policy.decide("idle", DeclaredRisk.of(Risk.LOW)),
                    NetOperation.CONNECT,
                    "localhost",
                    InetAddress.getByName("127.0.0.1"),
                    8080)
                .outcome())
        .isEqualTo(Outcome.DENY);
  }

  private AccessDecision resolve(String name) {
    return policy.decideResolve(fetch, name, null, null);
  }

  @Test
  void aNameResolvesOnlyWhereAConnectOrListenPatternNamesTheHost() throws Exception {
    assertThat(resolve("localhost").outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(resolve("eu.api.example").outcome()).as("a name glob").isEqualTo(Outcome.ALLOW);
    assertThat(resolve("EU.API.example").outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(resolve("exfil-s3cret.attacker.example"))
        .as("the '*:25' ask pattern names every host, so a person decides")
        .satisfies(decision -> assertThat(decision.outcome()).isEqualTo(Outcome.ASK));
    ToolDecision idle = policy.decide("idle", DeclaredRisk.of(Risk.LOW));
    assertThat(policy.decideResolve(idle, "localhost", null, null).reason())
        .isEqualTo("no connect or listen grant of the tool's rule names the host localhost");
    ToolDecision askAll = policy.decide("ask_all", DeclaredRisk.of(Risk.LOW));
    assertThat(policy.decideResolve(askAll, "anything.example", null, null).outcome())
        .isEqualTo(Outcome.ASK);
  }

  @Test
  void anAddressLiteralPatternGrantsNoNameButTheReverseLookupOfItsAddress() throws Exception {
    Policy literal =
        PolicyText.parse(
            """
            version: 1
            sandbox: /srv/box
            tools:
              t:
                decision: allow
                net:
                  connect: ["203.0.113.7:443"]
            """);
    ToolDecision t = literal.decide("t", DeclaredRisk.of(Risk.LOW));
    assertThat(literal.decideResolve(t, "api.example", null, null).outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(literal.decideResolve(t, null, InetAddress.getByName("203.0.113.7"), null).outcome())
        .as("any port of a granted address")
        .isEqualTo(Outcome.ALLOW);
    assertThat(literal.decideResolve(t, null, InetAddress.getByName("203.0.113.8"), null).reason())
        .isEqualTo("no connect or listen grant of the tool's rule names the address 203.0.113.8");
  }

  @Test
  void aUnixSocketIsDecidedOnItsRealPathAgainstUnixPatterns() {
    assertThat(socket(NetOperation.CONNECT, "/run/app.sock")).isEqualTo(Outcome.ALLOW);
    assertThat(socket(NetOperation.CONNECT, "/srv/box/sockets/db.sock")).isEqualTo(Outcome.ALLOW);
    assertThat(socket(NetOperation.CONNECT, "/srv/box/sockets/deeper/db.sock"))
        .isEqualTo(Outcome.DENY);
    assertThat(socket(NetOperation.CONNECT, "/run/other.sock")).isEqualTo(Outcome.DENY);
    assertThat(socket(NetOperation.LISTEN, "/srv/box/own.sock")).isEqualTo(Outcome.ALLOW);
    assertThat(socket(NetOperation.LISTEN, "/run/app.sock"))
        .as("connect patterns do not grant listening")
        .isEqualTo(Outcome.DENY);
    assertThat(
            policy
                .decideSocket(fetch, NetOperation.CONNECT, Path.of("/var/run/docker.sock"))
                .reason())
        .isEqualTo("no connect grant of the tool's rule names unix:/var/run/docker.sock");
    assertThat(
            policy
                .decideNet(
                    fetch, NetOperation.CONNECT, null, InetAddress.getLoopbackAddress(), 8080)
                .outcome())
        .as("a unix pattern grants no network address")
        .isEqualTo(Outcome.DENY);
  }

  private Outcome socket(NetOperation operation, String path) {
    return policy.decideSocket(fetch, operation, Path.of(path)).outcome();
  }

  @Test
  void unixPatternsAreFileGlobsAfterUnix() {
    assertThat(NetPattern.of("unix:/run/app.sock")).hasToString("unix:/run/app.sock");
    assertThat(NetPattern.of("unix:sockets/*.sock")).isInstanceOf(SocketPath.class);
    assertThat(NetPattern.of("localhost:80")).isInstanceOf(HostPort.class);
    assertThatThrownBy(() -> NetPattern.of("unix:~/app.sock"))
        .hasMessageStartingWith("'unix:~/app.sock' is not unix:GLOB (");
  }

  @Test
  void patternsAreHostColonPort() {
    assertThat(HostPort.of("*.Example.com:*")).hasToString("*.example.com:*");
    assertThat(HostPort.of("10.0.0.1:80-81")).hasToString("10.0.0.1:80-81");
    assertThat(HostPort.of("[::1]:5432")).hasToString("[::1]:5432");
    assertThatThrownBy(() -> HostPort.of("example.com")).hasMessageContaining("is not HOST:PORT");
    assertThatThrownBy(() -> HostPort.of("example.com:99999"))
        .hasMessageContaining("has no valid port");
    assertThatThrownBy(() -> HostPort.of("example.com:90-80"))
        .hasMessageContaining("has no valid port");
    assertThatThrownBy(() -> HostPort.of("300.1.1.1:80"))
        .hasMessageContaining("is not a valid IP address");
    assertThatThrownBy(() -> HostPort.of("[zz]:80")).hasMessageContaining("is not HOST:PORT");
  }
}
