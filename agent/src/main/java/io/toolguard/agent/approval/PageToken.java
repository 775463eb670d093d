package io.toolguard.agent.approval;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The approval page's access token: 32 random bytes, in hex. */
final class PageToken {

  private static final int BYTES = 32;

  private PageToken() {}

  /**
   * {@return a fresh token}, read from the kernel's random source as {@code SecureRandom}'s default
   * on Linux reads it, without {@code SecureRandom}'s first use (the security providers and their
   * configuration: 30 to 50 ms of CPU); {@code SecureRandom} where that source cannot be read.
   */
  static String fresh() {
    byte[] secret = new byte[BYTES];
    try (InputStream random = new FileInputStream("/dev/urandom")) {
      if (random.readNBytes(secret, 0, BYTES) != BYTES) {
        throw new IOException("/dev/urandom ended early");
      }
    } catch (IOException unreadable) {
      new SecureRandom().nextBytes(secret);
    }
    return HexFormat.of().formatHex(secret);
  }
}
