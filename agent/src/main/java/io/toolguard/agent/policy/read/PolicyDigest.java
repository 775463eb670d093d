package io.toolguard.agent.policy.read;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
   * {@return the digest of the files as they are on disk now}
   *
   * @throws IOException if a file cannot be read
   */
  public static String of(List<Path> files) throws IOException {
    List<String> digests = new ArrayList<>();
    for (Path file : files) {
      digests.add(sha256(Files.readAllBytes(file)));
    }
    return combine(digests);
  }

  /** {@return the policy digest from the digests of its files, in include order} */
  static String combine(List<String> fileDigests) {
    if (fileDigests.size() == 1) {
      return fileDigests.get(0);
    }
    StringBuilder lines = new StringBuilder();
    fileDigests.forEach(digest -> lines.append(digest).append('\n'));
    return sha256(lines.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** By {@link Sha256}, not the JDK's {@code MessageDigest}: see there why. */
  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(Sha256.digest(bytes));
  }
}
