package io.toolguard.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.NetOperation;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyText;
import io.toolguard.agent.policy.Risk;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the net guard decides for lookups, datagram channels and Unix-domain sockets. */
class NetGuardTest {

  private static final String RULE = " [rule app.yaml:4]";

  @TempDir Path dir;

  private NetGuard guard;
  private ToolContext tool;

  @BeforeEach
  void setUp() throws Exception {
    Policy policy =
        PolicyText.parse(
            """
            version: 1
            sandbox: /srv/box
            tools:
              t:
                decision: allow
                net:
                  connect: ["api.example:443", "127.0.0.1:9"]
                  listen: ["127.0.0.1:5353", "unix:own.sock"]
            """);
    tool =
        new ToolContext(
            "c-1",
            "t",
            new ActivePolicy.Snapshot(policy, Mode.ENFORCE),
            policy.decide("t", DeclaredRisk.of(Risk.LOW)),
            null);
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    guard =
        new NetGuard(new AccessGate(audit, new Approver(new Approvals(), audit)), Optional::empty);
  }

  @Test
  void aNameNoPatternNamesIsNotLookedUpAndTheLineSaysResolve() throws Exception {
    assertThatThrownBy(() -> guard.resolve(tool, "exfil-s3cret.attacker.example"))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 't' may not resolve the host name exfil-s3cret.attacker.example: no connect or"
                + " listen grant of the tool's rule names the host exfil-s3cret.attacker.example"
                + RULE);
    assertThatCode(() -> guard.resolve(tool, "API.example")).doesNotThrowAnyException();
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("\"operation\":\"resolve\",\"host\":\"exfil-s3cret.attacker.example\"")
        .doesNotContain("API.example");
  }

  @Test
  void localhostAlwaysResolves() {
    assertThatCode(() -> guard.resolve(tool, "LocalHost")).doesNotThrowAnyException();
  }

  @Test
  void aReverseLookupNeedsAPatternThatMatchesTheAddress() throws Exception {
    assertThatThrownBy(() -> guard.resolve(tool, InetAddress.getByName("10.1.2.3")))
        .hasMessage(
            "Tool 't' may not look up the host name of (10.1.2.3): no connect or listen grant of"
                + " the tool's rule names the address 10.1.2.3"
                + RULE);
    assertThatCode(() -> guard.resolve(tool, InetAddress.getByName("127.0.0.1")))
        .doesNotThrowAnyException();
  }

  @Test
  void anEphemeralDatagramBindIsAClientsButReceivingUnconnectedIsListening() throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      assertThatCode(() -> guard.receive(tool, channel, new InetSocketAddress(0)))
          .doesNotThrowAnyException();
      assertThatCode(() -> guard.receive(tool, channel, null)).doesNotThrowAnyException();
      assertThatThrownBy(() -> guard.receive(tool, channel, NetGuard.RECEIVE))
          .hasMessageContaining("may not listen on (")
          .hasMessageContaining(") port 0: no listen grant");
    }
  }

  @Test
  void bindingAChosenPortIsListeningThereAndAnAllowedChannelIsNotDecidedAgain() throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      assertThatThrownBy(
              () -> guard.receive(tool, channel, new InetSocketAddress("127.0.0.1", 5354)))
          .hasMessageContaining("may not listen on (127.0.0.1) port 5354");
      guard.receive(tool, channel, new InetSocketAddress("127.0.0.1", 5353));
      channel.bind(new InetSocketAddress("127.0.0.1", 0));
      assertThatCode(() -> guard.receive(tool, channel, NetGuard.RECEIVE))
          .as("allowed to receive once in this call, the channel is not decided again")
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aChannelWhoseAddressCannotBeReadIsNotLetThrough() throws Exception {
    DatagramChannel channel = DatagramChannel.open();
    channel.close();
    assertThatThrownBy(() -> guard.receive(tool, channel, NetGuard.RECEIVE))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aConnectedChannelReceivesOnlyFromThePeerItsConnectWasDecidedOn() throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.connect(new InetSocketAddress("127.0.0.1", 9));
      assertThatCode(() -> guard.receive(tool, channel, NetGuard.RECEIVE))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void joiningAGroupIsListeningOnTheGroupAtTheChannelsPort() throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
      assertThatThrownBy(() -> guard.receive(tool, channel, InetAddress.getByName("230.0.0.1")))
          .hasMessageContaining("may not listen on (230.0.0.1) port " + port);
    }
  }

  @Test
  void aUnixSocketIsDecidedOnItsPathAgainstUnixPatterns() {
    assertThatThrownBy(
            () -> guard.check(tool, NetOperation.CONNECT, Path.of("/run/docker.sock"), null))
        .hasMessage(
            "Tool 't' may not connect to unix:/run/docker.sock: no connect grant of the tool's"
                + " rule names unix:/run/docker.sock"
                + RULE);
    assertThatCode(() -> guard.check(tool, NetOperation.LISTEN, Path.of("/srv/box/own.sock"), null))
        .doesNotThrowAnyException();
  }
}
