package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.NetApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool reaches exactly the addresses its net grants name, by every JDK route, against real
 * loopback servers.
 */
class NetIT {

  @TempDir Path dir;

  @Test
  void aToolConnectsSendsAndListensOnlyWhereItsGrantsSay() throws Exception {
    int open = ApprovalApi.freePort();
    int granted = ApprovalApi.freePort();
    int listen = ApprovalApi.freePort();
    int ask = ApprovalApi.freePort();
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: .
        approval:
          timeout: 30s
          web: {port: 0, token_file: approval.token}
        tools:
          net:
            decision: allow
            net:
              connect: ["127.0.0.1:%d", "localhost:%d"]
              listen: ["127.0.0.1:%d"]
              ask:
                connect: ["127.0.0.1:%d"]
        """
            .formatted(granted, open, listen, ask));
    CompletableFuture<ChildJvm.Result> running =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .inBackground(
                NetApp.class,
                String.valueOf(open),
                String.valueOf(granted),
                String.valueOf(listen),
                String.valueOf(ask));
    // The page takes any free port: one chosen ahead could be taken by then.
    ApprovalApi api = ApprovalApi.awaitAnyPort(dir.resolve("approval.token"));
    Map<String, Object> first =
        api.awaitPending(request -> "connect".equals(request.get("method")));
    assertThat(first)
        .containsEntry("tool", "net")
        .containsEntry("arguments", "connect (127.0.0.1) port " + ask);
    api.decide(first.get("id"), "{\"decision\":\"approve\"}");
    api.decide(
        api.awaitPending(request -> !first.get("id").equals(request.get("id"))).get("id"),
        "{\"decision\":\"deny\",\"message\":\"Not that service.\"}");
    ChildJvm.Result result = running.get(60, TimeUnit.SECONDS);

    String rule = " [rule policy.yaml:7]";
    String other =
        "denied: Tool 'net' may not connect to (127.0.0.1) port "
            + open
            + ": no connect grant of the tool's rule names (127.0.0.1) port "
            + open
            + rule;
    assertThat(AsyncFailures.unwrapped(result.stdout()))
        .as(result.toString())
        .containsExactly(
            "Socket granted: ran: connected",
            "SocketChannel granted: ran: connected",
            "AsynchronousSocketChannel granted: ran: connected",
            "HttpURLConnection granted: ran: HTTP 200",
            "HttpClient granted: ran: HTTP 200",
            "DatagramChannel.send granted: ran: sent 1",
            "DatagramChannel.connect granted: ran: connected",
            "DatagramSocket.send granted: ran: sent",
            "Socket other: " + other,
            "SocketChannel other: " + other,
            // The channel hands its connect's failure to the future, which wraps it.
            "AsynchronousSocketChannel other: failed: java.lang.SecurityException: "
                + other.substring("denied: ".length()),
            "HttpURLConnection other: " + other,
            "HttpClient other: " + other,
            "DatagramChannel.send other: " + other,
            "DatagramChannel.connect other: " + other,
            "DatagramSocket.send other: " + other,
            "address granted, reached by name: ran: connected",
            "name granted: ran: connected",
            "granted name on a forged address: denied: Tool 'net' may not connect to localhost (10.1.2.3) port "
                + open
                + ": no connect grant of the tool's rule names localhost (10.1.2.3) port "
                + open
                + rule,
            "ServerSocket granted: ran: listening",
            "ServerSocket other port: denied: Tool 'net' may not listen on (127.0.0.1) port 0: no listen grant of the"
                + " tool's rule names (127.0.0.1) port 0"
                + rule,
            "ServerSocketChannel granted: ran: listening",
            "ServerSocketChannel any address: denied: Tool 'net' may not listen on (0.0.0.0) port 0: no listen grant of"
                + " the tool's rule names (0.0.0.0) port 0"
                + rule,
            "AsynchronousServerSocketChannel other address: denied: Tool 'net' may not listen on (0.0.0.0) port "
                + listen
                + ": no listen grant of the tool's rule names (0.0.0.0) port "
                + listen
                + rule,
            "asks: ran: connected",
            "asks again: denied: Not that service.",
            "outside a tool: ran: connected");
    List<Map<String, String>> net =
        AuditLines.read(dir.resolve("audit.jsonl")).stream()
            .filter(line -> "net".equals(line.get("event")))
            .toList();
    assertThat(net).filteredOn(line -> "deny".equals(line.get("decision"))).hasSize(13);
    assertThat(net)
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("operation", "connect")
                    .containsEntry("host", "localhost")
                    .containsEntry("address", "10.1.2.3:" + open));
  }
}
