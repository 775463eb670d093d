package io.toolguard.agent.policy.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyDigestTest {

  @TempDir Path dir;

  @Test
  void aSingleFilesDigestIsItsSha256() throws Exception {
    Path file = Files.writeString(dir.resolve("p.yaml"), "abc");

    assertThat(PolicyDigest.of(List.of(file)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void withIncludesItCoversEveryFileInOrder() throws Exception {
    Path a = Files.writeString(dir.resolve("a.yaml"), "abc");
    Path b = Files.writeString(dir.resolve("b.yaml"), "abc");

    String both = PolicyDigest.of(List.of(a, b));
    Files.writeString(b, "abd");

    assertThat(PolicyDigest.of(List.of(a, b))).isNotEqualTo(both).hasSize(64);
    // sha256 of "ba78…15ad\nba78…15ad\n"
    assertThat(both).isEqualTo("ed9453257140de25bccb9b1fe8413c845d0ce1c7a25fcdfe1c874ac5f12c8564");
  }

  @Test
  void aParsedPolicyCarriesTheDigestOfWhatWasParsed() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), "version: 1\n");
    Path policy =
        Files.writeString(dir.resolve("p.yaml"), "version: 1\ninclude: base.yaml\nsandbox: box\n");

    Policy parsed = PolicyParser.parse(policy);

    assertThat(parsed.digest()).isEqualTo(PolicyDigest.of(parsed.files()));
    assertThat(parsed.files())
        .containsExactly(policy.toAbsolutePath().normalize(), dir.resolve("base.yaml"));
  }
}
