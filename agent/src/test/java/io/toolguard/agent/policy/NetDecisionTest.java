package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
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
            connect: ["localhost:8000-8099", "203.0.113.7:443", "[::1]:*"]
            listen: ["127.0.0.1:9000"]
            ask:
              connect: ["*:25"]
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
