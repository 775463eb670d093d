package io.toolguard.agent.approval;

import io.toolguard.agent.annotation.SuppressForbidden;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whether a connection to the approval server comes from this very JVM — from code that could be a
 * tool's, even on a thread that runs outside every tool — so that the server can refuse it whatever
 * token it carries. On Linux the client's end of the connection is a row of {@code /proc/net/tcp}
 * or {@code /proc/net/tcp6} with the inode of its socket, and a socket of this process is a link
 * {@code socket:[inode]} in {@code /proc/self/fd}. A client on this machine whose socket cannot be
 * found (closed already, say) is not told apart, and is refused: fail closed. A client on another
 * machine has no row here and is another process. Elsewhere than on Linux nothing is told.
 */
@SuppressForbidden(reason = "reads /proc, toolguard's own view of the process, never a tool's")
final class PeerProcess {

  /** What is known of the process at the other end. */
  enum Peer {
    /** Another process, or another machine. */
    OTHER,
    /** This JVM. */
    THIS_PROCESS,
    /** A client on this machine whose process cannot be told (refused). */
    UNKNOWN,
    /** Not Linux: the question is not asked. */
    NOT_TOLD
  }

  private static final Path PROC = Path.of("/proc");
  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private PeerProcess() {}

  /**
   * {@return who opened the connection from {@code client} to {@code server}, the addresses as the
   * server sees them}
   */
  static Peer of(InetSocketAddress client, InetSocketAddress server) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return Peer.NOT_TOLD;
    }
    try {
      long inode = clientSocketInode(client, server);
      if (inode < 0) {
        return isThisMachine(client.getAddress()) ? Peer.UNKNOWN : Peer.OTHER;
      }
      if (inode == 0) {
        // The row is there but its socket is gone (closed by its owner): cannot be told.
        return Peer.UNKNOWN;
      }
      return ownsSocket(inode) ? Peer.THIS_PROCESS : Peer.OTHER;
    } catch (IOException | RuntimeException unreadable) {
      return Peer.UNKNOWN;
    }
  }

  /** {@return the inode of the client's socket, 0 if it has none, -1 if no row matches} */
  static long clientSocketInode(InetSocketAddress client, InetSocketAddress server)
      throws IOException {
    byte[] clientAddress = normalized(client.getAddress());
    byte[] serverAddress = normalized(server.getAddress());
    for (Path table : TABLES) {
      if (!Files.exists(table)) {
        continue;
      }
      for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
        long inode = inodeIfMatches(line, clientAddress, client.getPort(), serverAddress, server);
        if (inode >= 0) {
          return inode;
        }
      }
    }
    return -1;
  }

  /**
   * {@return the row's inode if its local end is the client's and its remote end the server's, else
   * -1}
   */
  static long inodeIfMatches(
      String line,
      byte[] clientAddress,
      int clientPort,
      byte[] serverAddress,
      InetSocketAddress server) {
    String[] fields = line.strip().split("\\s+");
    if (fields.length < 10 || !fields[1].contains(":") || !fields[2].contains(":")) {
      return -1;
    }
    try {
      if (port(fields[1]) != clientPort
          || port(fields[2]) != server.getPort()
          || !Arrays.equals(address(fields[1]), clientAddress)
          || !Arrays.equals(address(fields[2]), serverAddress)) {
        return -1;
      }
      return Long.parseLong(fields[9]);
    } catch (IllegalArgumentException notARow) {
      return -1;
    }
  }

  private static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1), 16);
  }

  /**
   * {@return the 16 bytes of an endpoint's address as the kernel prints it: 32-bit words in hex,
   * each in the machine's byte order; an IPv4 address as IPv4-mapped IPv6}
   */
  static byte[] address(String endpoint) {
    String hex = endpoint.substring(0, endpoint.indexOf(':'));
    if (hex.length() != 8 && hex.length() != 32) {
      throw new IllegalArgumentException("not an address: " + hex);
    }
    byte[] bytes = new byte[hex.length() / 2];
    boolean littleEndian = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    for (int word = 0; word < bytes.length / 4; word++) {
      long value = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
      for (int b = 0; b < 4; b++) {
        int shift = littleEndian ? 8 * b : 8 * (3 - b);
        bytes[word * 4 + b] = (byte) (value >>> shift);
      }
    }
    return bytes.length == 4 ? mapped(bytes) : bytes;
  }

  static byte[] normalized(InetAddress address) {
    byte[] bytes = address.getAddress();
    return address instanceof Inet4Address ? mapped(bytes) : bytes;
  }

  private static byte[] mapped(byte[] ipv4) {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    System.arraycopy(ipv4, 0, bytes, 12, 4);
    return bytes;
  }

  private static boolean isThisMachine(InetAddress address) throws SocketException {
    return address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || NetworkInterface.getByInetAddress(address) != null;
  }

  /** {@return whether one of this process's file descriptors is the socket with this inode} */
  private static boolean ownsSocket(long inode) throws IOException {
    String socket = "socket:[" + inode + "]";
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(PROC.resolve("self/fd"))) {
      for (Path descriptor : descriptors) {
        try {
          if (Files.readSymbolicLink(descriptor).toString().equals(socket)) {
            return true;
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed while the folder was read is not the client's open socket
        }
      }
    }
    return false;
  }
}
