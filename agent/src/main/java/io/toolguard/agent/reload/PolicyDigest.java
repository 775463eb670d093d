package io.toolguard.agent.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of a policy's content, to notice changes and to name versions in logs. For a single
 * file it is the file's own SHA-256 ({@code sha256sum policy.yaml} shows the same); for a policy
 * with includes, the SHA-256 of the files' SHA-256s, one hex digest per line, in include order.
 */
public final class PolicyDigest {

  private PolicyDigest() {}

  /**
   * {@return the hex digest}
   *
   * @throws IOException if a file cannot be read
   */
  public static String of(List<Path> files) throws IOException {
    if (files.size() == 1) {
      return sha256(Files.readAllBytes(files.get(0)));
    }
    StringBuilder digests = new StringBuilder();
    for (Path file : files) {
      digests.append(sha256(Files.readAllBytes(file))).append('\n');
    }
    return sha256(digests.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
