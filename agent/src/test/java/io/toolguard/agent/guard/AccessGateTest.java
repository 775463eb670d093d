package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.JvmActionRecord;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyText;
import io.toolguard.agent.policy.Risk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessGateTest {

  private static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        outer:
          decision: allow
        inner:
          decision: allow
      """;

  @TempDir Path dir;

  @Test
  void anAccessEveryLevelAllowsRunsAndEnforceModeWritesNothing() throws Exception {
    Gate gate = gate(Mode.ENFORCE, dir.resolve("audit.jsonl"));

    gate.gate.check(gate.inner, new Fake(Map.of()));

    assertThat(lines()).isEmpty();
  }

  @Test
  void anOuterLevelThatDeniesStopsTheInnerToolNamingBothAndTheOuterRule() throws Exception {
    Gate gate = gate(Mode.ENFORCE, dir.resolve("audit.jsonl"));
    Fake access = new Fake(Map.of("outer", AccessDecision.denied("no read glob matches")));

    assertThatThrownBy(() -> gate.gate.check(gate.inner, access))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'inner' (inside tool 'outer') may not read 'x': no read glob matches [rule app.yaml:4]");
    assertThat(lines()).containsExactly("deny|outer|no read glob matches");
  }

  @Test
  void aDenialAtAnyLevelBeatsAQuestionAtAnother() {
    Gate gate = gate(Mode.ENFORCE, dir.resolve("audit.jsonl"));
    Fake access =
        new Fake(
            Map.of(
                "inner",
                AccessDecision.asked("read ask glob", "**", "app.yaml:7"),
                "outer",
                AccessDecision.denied("no")));

    assertThatThrownBy(() -> gate.gate.check(gate.inner, access))
        .hasMessageContaining("may not read 'x': no [");
  }

  @Test
  void aQuestionWithNoApprovalChannelIsDeniedSayingHowToTurnOneOn() throws Exception {
    Gate gate = gate(Mode.ENFORCE, dir.resolve("audit.jsonl"));
    Fake access =
        new Fake(Map.of("inner", AccessDecision.asked("read ask glob", "**", "app.yaml:7")));

    assertThatThrownBy(() -> gate.gate.check(gate.inner, access))
        .hasMessageContaining("but no approval channel is on (set 'approval:' in the policy)");
    assertThat(lines()).hasSize(1).allMatch(line -> line.startsWith("deny|inner|"));
  }

  @Test
  void auditModeRecordsWhatWouldHappenAndLetsEverythingRun() throws Exception {
    Gate gate = gate(Mode.AUDIT, dir.resolve("audit.jsonl"));

    gate.gate.check(gate.inner, new Fake(Map.of()));
    gate.gate.check(gate.inner, new Fake(Map.of("outer", AccessDecision.denied("no"))));
    gate.gate.check(
        gate.inner, new Fake(Map.of("inner", AccessDecision.asked("read ask glob", "**", "r"))));

    assertThat(lines())
        .containsExactly(
            "allow|inner|within the tool's grants",
            "would-deny|outer|no",
            "would-ask|inner|a person must approve it first, by read ask glob \"**\" of rule r");
  }

  @Test
  void aRefusalDeniesWhateverTheGrantsAndInAuditModeToo() throws Exception {
    for (Mode mode : Mode.values()) {
      Gate gate = gate(mode, dir.resolve(mode.label() + ".jsonl"));

      assertThatThrownBy(
              () -> gate.gate.refuse(gate.inner, new Fake(Map.of()), "it is toolguard's audit log"))
          .isInstanceOf(SecurityException.class)
          .hasMessage("Tool 'inner' may not read 'x': it is toolguard's audit log [toolguard]");
    }
    assertThat(Files.readAllLines(dir.resolve("audit.jsonl")))
        .hasSize(1)
        .allMatch(line -> line.contains("\"decision\":\"deny\""));
  }

  @Test
  void permitsReportsADenialInsteadOfThrowingIt() throws Exception {
    Gate enforcing = gate(Mode.ENFORCE, dir.resolve("audit.jsonl"));
    Fake denied = new Fake(Map.of("inner", AccessDecision.denied("no")));

    assertThat(enforcing.gate.permits(enforcing.inner, denied)).isFalse();
    assertThat(enforcing.gate.permits(enforcing.inner, new Fake(Map.of()))).isTrue();
    assertThat(lines()).containsExactly("deny|inner|no");
  }

  @Test
  void permitsNoQuestionWhenNoPersonCanBeAsked() throws Exception {
    Gate gate = gate(Mode.ENFORCE, dir.resolve("audit.jsonl"));
    Fake asking =
        new Fake(Map.of("inner", AccessDecision.asked("read ask glob", "**", "app.yaml:7")));

    assertThat(gate.gate.permits(gate.inner, asking)).isFalse();
    assertThat(lines()).hasSize(1).allMatch(line -> line.startsWith("deny|inner|"));
  }

  @Test
  void inAuditModePermitsWhatWouldBeDeniedOrAsked() throws Exception {
    Gate gate = gate(Mode.AUDIT, dir.resolve("audit.jsonl"));

    assertThat(
            gate.gate.permits(gate.inner, new Fake(Map.of("outer", AccessDecision.denied("no")))))
        .isTrue();
    assertThat(
            gate.gate.permits(
                gate.inner,
                new Fake(Map.of("inner", AccessDecision.asked("read ask glob", "**", "r")))))
        .isTrue();
    assertThat(lines())
        .containsExactly(
            "would-deny|outer|no",
            "would-ask|inner|a person must approve it first, by read ask glob \"**\" of rule r");
  }

  @Test
  void anAccessIsStoppedWhenItsAuditLineCannotBeWrittenEvenInAuditMode() {
    // Every write to /dev/full fails with "no space left on device".
    Gate gate = gate(Mode.AUDIT, Path.of("/dev/full"));

    assertThatThrownBy(() -> gate.gate.check(gate.inner, new Fake(Map.of())))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'inner' may not read 'x': the audit log cannot be written, and nothing runs unrecorded");
  }

  @Test
  void aDenialThatCannotBeWrittenIsStillADenial() {
    Gate gate = gate(Mode.ENFORCE, Path.of("/dev/full"));

    assertThatThrownBy(
            () ->
                gate.gate.permits(
                    gate.inner, new Fake(Map.of("inner", AccessDecision.denied("no")))))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("the audit log cannot be written");
  }

  @Test
  void anAccessMayNameWhoDeniesItInsteadOfARule() {
    Gate gate = gate(Mode.ENFORCE, dir.resolve("audit.jsonl"));
    Fake byToolguard =
        new Fake(Map.of("inner", AccessDecision.denied("tools may not"))) {
          @Override
          public String denier(ToolContext level) {
            return "toolguard";
          }
        };

    assertThatThrownBy(() -> gate.gate.check(gate.inner, byToolguard))
        .hasMessage("Tool 'inner' may not read 'x': tools may not [toolguard]");
  }

  private List<String> lines() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    return Files.exists(log)
        ? Files.readAllLines(log).stream()
            .map(
                line ->
                    field(line, "decision")
                        + "|"
                        + field(line, "action")
                        + "|"
                        + field(line, "reason"))
            .toList()
        : List.of();
  }

  private static String field(String json, String name) {
    int start = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
    return json.substring(start, json.indexOf("\",\"", start)).replace("\\\"", "\"");
  }

  private record Gate(AccessGate gate, ToolContext inner) {}

  private static Gate gate(Mode mode, Path log) {
    Policy policy;
    try {
      policy = PolicyText.parse(POLICY);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    ActivePolicy.Snapshot snapshot = new ActivePolicy.Snapshot(policy, mode);
    ToolContext outer =
        new ToolContext(
            "c-1", "outer", snapshot, policy.decide("outer", DeclaredRisk.of(Risk.LOW)), null);
    ToolContext inner =
        new ToolContext(
            "c-2", "inner", snapshot, policy.decide("inner", DeclaredRisk.of(Risk.LOW)), outer);
    AuditLog audit = AuditLog.open(log);
    return new Gate(new AccessGate(audit, new Approver(new Approvals(), audit)), inner);
  }

  /**
   * Reads 'x'; each level answers as the map says, else allows. Records the deciding level's tool
   * as the action.
   */
  private static class Fake implements AccessGate.Access {
    private final Map<String, AccessDecision> answers;

    Fake(Map<String, AccessDecision> answers) {
      this.answers = answers;
    }

    @Override
    public AccessDecision decide(ToolContext level) {
      return answers.getOrDefault(
          level.tool(), AccessDecision.granted("read glob", "**", "app.yaml:5"));
    }

    @Override
    public String describe() {
      return "read 'x'";
    }

    @Override
    public String subject() {
      return "read a file";
    }

    @Override
    public String shown() {
      return "path=\"x\"";
    }

    @Override
    public AuditEntry record(
        ToolContext context, ToolContext level, Decision decision, String reason) {
      return new JvmActionRecord(
          Instant.EPOCH, context.callId(), context.tool(), level.tool(), decision, reason, "t");
    }
  }
}
