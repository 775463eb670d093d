package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit mode blocks nothing and records each would-be denial as would-deny. */
class AuditModeIT {

  @TempDir Path dir;

  @Test
  void theAgentOptionBlocksNothingAndLogsWouldDeny() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml,mode=audit").toolApp("markers", "all");

    assertEverythingRanAndWouldDenyWasLogged(result);
  }

  @Test
  void thePolicyCanSetAuditModeItself() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        ToolCallsIT.POLICY.replace("version: 1\n", "version: 1\nmode: audit\n"));

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");

    assertEverythingRanAndWouldDenyWasLogged(result);
  }

  @Test
  void theAgentOptionOverridesThePolicysMode() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        ToolCallsIT.POLICY.replace("version: 1\n", "version: 1\nmode: audit\n"));

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml,mode=enforce").toolApp("markers", "all");

    assertThat(result.stdout()).contains("wipe: denied");
    assertThat(dir.resolve("markers/wipe")).doesNotExist();
  }

  private void assertEverythingRanAndWouldDenyWasLogged(ChildJvm.Result result) throws Exception {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).doesNotContain("denied");
    assertThat(result.stderr()).contains("mode audit");
    assertThat(dir.resolve("markers/wipe")).exists();
    assertThat(dir.resolve("markers/transfer")).exists();
    assertThat(dir.resolve("markers/unlisted")).exists();
    assertThat(AuditLines.calls(dir.resolve("toolguard-audit.jsonl")))
        .extracting(line -> line.get("tool") + " " + line.get("decision"))
        .containsExactly(
            "lookup allow",
            "wipe would-deny",
            "rename allow",
            "transfer would-ask",
            "unlisted would-deny",
            "hidden_helper allow",
            "outer allow",
            "lookup allow",
            "failing allow",
            "lookup allow");
  }
}
