package io.toolguard.agent.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PeerProcessTest {

  private static boolean linux() {
    return System.getProperty("os.name").startsWith("Linux");
  }

  @Test
  void readsAddressesAsTheKernelPrintsThem() {
    assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "a little-endian machine");
    byte[] loopback = PeerProcess.address("0100007F:1F90");
    assertThat(loopback).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1});
    assertThat(PeerProcess.address("0000000000000000FFFF00000100007F:1F90")).isEqualTo(loopback);
    assertThat(PeerProcess.address("00000000000000000000000001000000:0016"))
        .as("::1")
        .isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  }

  @Test
  void findsTheRowWhoseLocalEndIsTheClientsAndItsInode() throws Exception {
    assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "a little-endian machine");
    String row =
        "   3: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000"
            + "        0 424242 1 0000000000000000 20 4 30 10 -1";
    byte[] local = PeerProcess.normalized(InetAddress.getLoopbackAddress());
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", 0x1F90);

    assertThat(PeerProcess.inodeIfMatches(row, local, 0x9C40, local, server)).isEqualTo(424242);
    assertThat(PeerProcess.inodeIfMatches(row, local, 0x9C41, local, server)).isEqualTo(-1);
    assertThat(
            PeerProcess.inodeIfMatches(
                row, local, 0x9C40, local, new InetSocketAddress("127.0.0.1", 0x1F91)))
        .isEqualTo(-1);
    assertThat(
            PeerProcess.inodeIfMatches("  sl  local_address rem_address", local, 1, local, server))
        .isEqualTo(-1);
  }

  @Test
  void aConnectionThisProcessOpenedIsToldFromThisProcess() throws Exception {
    assumeTrue(linux(), "Linux");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      assertThat(
              PeerProcess.of(
                  (InetSocketAddress) accepted.getRemoteSocketAddress(),
                  (InetSocketAddress) accepted.getLocalSocketAddress()))
          .isEqualTo(PeerProcess.Peer.THIS_PROCESS);
    }
  }

  @Test
  void aConnectionFromAnotherProcessIsToldApart() throws Exception {
    assumeTrue(linux(), "Linux");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Process other =
          new ProcessBuilder(
                  "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; sleep 5")
              .start();
      try (Socket accepted = server.accept()) {
        assertThat(
                PeerProcess.of(
                    (InetSocketAddress) accepted.getRemoteSocketAddress(),
                    (InetSocketAddress) accepted.getLocalSocketAddress()))
            .isEqualTo(PeerProcess.Peer.OTHER);
      } finally {
        other.destroyForcibly();
      }
    }
  }

  @Test
  void aLocalClientWhoseSocketCannotBeFoundIsNotToldAndSoRefused() {
    assumeTrue(linux(), "Linux");
    assertThat(
            PeerProcess.of(
                new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2)))
        .isEqualTo(PeerProcess.Peer.UNKNOWN);
  }
}
