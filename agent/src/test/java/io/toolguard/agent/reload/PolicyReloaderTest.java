package io.toolguard.agent.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.Verdict;
import io.toolguard.agent.policy.read.PolicyDigest;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyReloaderTest {

  static final String DENY = "version: 1\nsandbox: box\ntools:\n  wipe:\n    decision: deny\n";
  static final String ALLOW = "version: 1\nsandbox: box\ntools:\n  wipe:\n    decision: allow\n";

  @TempDir Path dir;

  private Path file;
  private ActivePolicy active;
  private PolicyReloader reloader;

  @Test
  void anUnchangedPolicyStaysAsItIsAndNothingIsLogged() throws Exception {
    start(DENY, Optional.empty());
    ActivePolicy.Snapshot before = active.current();

    reloader.check();

    assertThat(active.current()).isSameAs(before);
    assertThat(auditLog()).isEmpty();
  }

  @Test
  void aValidChangeIsPutInForceAndLoggedWithItsDigest() throws Exception {
    start(DENY, Optional.empty());
    Files.writeString(file, ALLOW);

    reloader.check();

    assertThat(active.current().policy().decide("wipe", DeclaredRisk.of(Risk.LOW)).verdict())
        .isEqualTo(Verdict.ALLOW);
    String digest = PolicyDigest.of(active.current().policy().files());
    assertThat(active.current().policy().digest()).isEqualTo(digest);
    assertThat(auditLog())
        .contains("\"event\":\"policy-reloaded\"", "\"sha256\":\"" + digest + "\"");
  }

  @Test
  void theNewPolicysFilesAreHandedOnBeforeItIsInForceAndOnlyIfItIs() throws Exception {
    start(DENY, Optional.empty());
    Path base = Files.writeString(dir.resolve("base.yaml"), "version: 1\n");
    java.util.List<java.util.List<Path>> told = new java.util.ArrayList<>();
    reloader =
        new PolicyReloader(
            file,
            Optional.empty(),
            active,
            AuditLog.open(dir.resolve("audit.jsonl")),
            next -> {
              assertThat(active.current().policy().files()).as("still the old policy").hasSize(1);
              told.add(next.files());
            });
    Files.writeString(file, "include: base.yaml\n" + ALLOW);

    reloader.check();
    Files.writeString(file, "include: base.yaml\n" + ALLOW.replace("decision", "decison"));
    reloader.check();

    assertThat(told)
        .containsExactly(
            java.util.List.of(
                file.toAbsolutePath().normalize(), base.toAbsolutePath().normalize()));
  }

  @Test
  void aNewApprovalTimeoutAppliesAtOnceWhileChangedChannelsWaitForARestartAndSaySo()
      throws Exception {
    start(DENY.replace("tools:", "approval: {timeout: 1m}\ntools:"), Optional.empty());
    Files.writeString(file, DENY.replace("tools:", "approval: {timeout: 2m}\ntools:"));
    reloader.check();
    assertThat(active.current().policy().approval().timeout()).hasMinutes(2);
    assertThat(auditLog()).doesNotContain("approval channels");

    Files.writeString(
        file, DENY.replace("tools:", "approval: {timeout: 3m, terminal: true}\ntools:"));
    reloader.check();
    assertThat(active.current().policy().approval().timeout()).hasMinutes(3);
    assertThat(auditLog())
        .contains(
            "its approval channels differ from those started with the JVM, which stay until a"
                + " restart (its approval timeout applies now)");
  }

  @Test
  void changedToolAnnotationsWaitForARestartAndSaySo() throws Exception {
    start(DENY, Optional.empty());
    Files.writeString(
        file, DENY.replace("tools:", "tool_annotations: [com.example.AgentAction]\ntools:"));

    reloader.check();

    assertThat(active.current().policy().toolAnnotations())
        .containsExactly("com.example.AgentAction");
    assertThat(auditLog())
        .contains(
            "its tool_annotations differ from those read at start-up, which stay until a restart");
  }

  @Test
  void anInvalidChangeKeepsThePolicyInForceAndIsReportedOnce() throws Exception {
    start(DENY, Optional.empty());
    ActivePolicy.Snapshot before = active.current();
    Files.writeString(file, DENY.replace("deny", "maybe"));

    reloader.check();
    reloader.check();

    assertThat(active.current()).isSameAs(before);
    assertThat(auditLog().lines())
        .hasSize(1)
        .allMatch(
            line ->
                line.contains("\"event\":\"policy-rejected\"")
                    && line.contains("'decision' must be allow, ask or deny, not 'maybe'"));
  }

  @Test
  void aChangeInAnIncludedPolicyIsNoticed() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), "version: 1\n");
    start("version: 1\ninclude: base.yaml\nsandbox: box\n", Optional.empty());
    Files.writeString(
        dir.resolve("base.yaml"), "version: 1\ntools:\n  wipe:\n    decision: deny\n");

    reloader.check();

    assertThat(active.current().policy().tools()).hasSize(1);
  }

  @Test
  void theAgentOptionKeepsOverridingTheModeUnlessTheNewPolicyLocksIt() throws Exception {
    start(DENY, Optional.of(Mode.AUDIT));
    Files.writeString(file, ALLOW);
    reloader.check();
    assertThat(active.current().mode()).isEqualTo(Mode.AUDIT);

    Files.writeString(file, ALLOW + "mode: enforce\nlocked: [mode]\n");
    reloader.check();

    assertThat(active.current().policy().modeLock()).isEmpty();
    assertThat(active.current().mode()).isEqualTo(Mode.AUDIT);
    assertThat(auditLog())
        .contains(
            "\"event\":\"policy-rejected\"",
            "agent option mode=audit is not allowed: " + file + ":7 locks the mode to enforce");
  }

  private void start(String policy, Optional<Mode> modeOption) throws Exception {
    file = Files.writeString(dir.resolve("policy.yaml"), policy);
    Policy parsed = PolicyParser.parse(file);
    active = new ActivePolicy(new ActivePolicy.Snapshot(parsed, modeOption.orElse(parsed.mode())));
    reloader =
        new PolicyReloader(file, modeOption, active, AuditLog.open(dir.resolve("audit.jsonl")));
  }

  private String auditLog() throws Exception {
    return Files.readString(dir.resolve("audit.jsonl"));
  }
}
