package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.policy.read.PolicyDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running agent picks up a valid changed policy for the next calls, and keeps the old one when
 * the change is invalid.
 */
class PolicyReloadIT {

  static final String DENY_WIPE = "version: 1\nsandbox: .\ntools:\n  wipe:\n    decision: deny\n";
  static final String ALLOW_WIPE =
      "version: 1\nsandbox: .\ntools:\n  wipe:\n    decision: allow\n    files:\n      write: [\"markers/**\"]\n";

  @TempDir Path dir;

  @Test
  void aValidChangeAppliesToTheNextCallAndAnInvalidOneKeepsTheOldPolicy() throws Exception {
    write(DENY_WIPE);
    CompletableFuture<ChildJvm.Result> child =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,reload=0.1")
            .toolAppInBackground("markers", "until-allowed");
    awaitAuditLine(line -> "deny".equals(line.get("decision")));

    write(DENY_WIPE.replace("decision: deny", "decison: allow"));
    awaitAuditLine(line -> "policy-rejected".equals(line.get("event")));
    int linesAfterRejection = audit().size();
    awaitAuditLines(linesAfterRejection + 3);
    // Read once: the child keeps writing lines, so a second read may hold more than the first.
    List<Map<String, String>> afterRejection = audit();
    assertThat(afterRejection.subList(linesAfterRejection, afterRejection.size()))
        .allMatch(line -> "deny".equals(line.get("decision")));
    assertThat(dir.resolve("markers/wipe")).doesNotExist();

    write(ALLOW_WIPE);
    ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);

    assertThat(result.stdout()).as(result.toString()).contains("wipe: ran after");
    String digest =
        PolicyDigest.of(List.of(dir.resolve("policy.yaml").toAbsolutePath().normalize()));
    assertThat(result.stderr())
        .contains(
            "the changed policy policy.yaml is rejected",
            "policy.yaml:5:5: unknown key 'decison' in tool rule 'wipe' (did you mean 'decision'?)",
            "toolguard: policy policy.yaml reloaded (sha256 "
                + digest
                + ", 1 tool rules, mode enforce)");
    assertThat(audit())
        .anyMatch(
            line ->
                "policy-reloaded".equals(line.get("event")) && digest.equals(line.get("sha256")));
    assertThat(audit()).filteredOn(line -> "policy-rejected".equals(line.get("event"))).hasSize(1);
    assertThat(audit().get(audit().size() - 1)).containsEntry("decision", "allow");
  }

  @Test
  void callsRacingManyReloadsAreEachDecidedAndLoggedOnce() throws Exception {
    write(DENY_WIPE);
    CompletableFuture<ChildJvm.Result> child =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,reload=0.05")
            .toolAppInBackground("markers", "hammer", "8", "4000");

    boolean allow = true;
    while (!child.isDone()) {
      write(allow ? ALLOW_WIPE : DENY_WIPE);
      allow = !allow;
      Thread.sleep(200);
    }
    ChildJvm.Result result = child.get();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    String[] counts =
        result
            .stdout()
            .replaceAll("(?s).*hammer: ran (\\d+), denied (\\d+).*", "$1 $2")
            .trim()
            .split(" ");
    long ran = Long.parseLong(counts[0]);
    long denied = Long.parseLong(counts[1]);
    List<Map<String, String>> decisions =
        audit().stream().filter(line -> line.containsKey("decision")).toList();
    assertThat(ran).isPositive();
    assertThat(denied).isPositive();
    assertThat(decisions).hasSize((int) (ran + denied));
    assertThat(decisions)
        .filteredOn(line -> "allow".equals(line.get("decision")))
        .hasSize((int) ran);
    assertThat(decisions)
        .filteredOn(line -> "deny".equals(line.get("decision")))
        .hasSize((int) denied);
    assertThat(audit())
        .filteredOn(line -> "policy-reloaded".equals(line.get("event")))
        .hasSizeGreaterThan(2);
  }

  /** Replaces the policy file in one step, as an editor's save or a deployment would. */
  private void write(String policy) throws Exception {
    Path next = Files.writeString(dir.resolve("policy.yaml.next"), policy);
    Files.move(
        next,
        dir.resolve("policy.yaml"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private List<Map<String, String>> audit() throws Exception {
    Path log = dir.resolve("toolguard-audit.jsonl");
    if (!Files.exists(log)) {
      return List.of();
    }
    // A line may be in the middle of being written; only complete lines count.
    String text = Files.readString(log);
    return text.substring(0, text.lastIndexOf('\n') + 1).lines().map(AuditLines::parse).toList();
  }

  private void awaitAuditLines(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (audit().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + count + " audit lines within 30 s: " + audit());
      }
      Thread.sleep(50);
    }
  }

  private void awaitAuditLine(Predicate<Map<String, String>> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (audit().stream().anyMatch(wanted)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no such audit line within 30 s: " + audit());
  }
}
