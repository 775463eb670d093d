package io.toolguard.agent.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The SHA-256 of a policy's files, names and contents, to notice changes and to name versions in logs. */
public final class PolicyDigest {

  private PolicyDigest() {}

  /**
   * {@return the hex digest of the files}
   *
   * @throws IOException if a file cannot be read
   */
  public static String of(List<Path> files) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
    for (Path file : files) {
      sha256.update(file.toString().getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      sha256.update(Files.readAllBytes(file));
      sha256.update((byte) 0);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }
}
