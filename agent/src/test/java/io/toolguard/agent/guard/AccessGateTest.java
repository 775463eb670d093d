package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.FileOperation;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyText;
import io.toolguard.agent.policy.Risk;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate every access of a running tool passes, on file writes decided by a real policy. */
class AccessGateTest {

  static final String POLICY = """
      version: 1
      sandbox: /srv/box
      tools:
        writer:
          decision: allow
          files:
            write: ["out/**"]
            ask:
              write: ["ask/**"]
        reader:
          decision: allow
          files:
            read: ["**"]
      """;

  @TempDir Path dir;

  private final Policy policy;

  AccessGateTest() throws Exception {
    policy = PolicyText.parse(POLICY);
  }

  /** Writing one file, recorded as {@code decision level reason}. */
  private record Write(String path) implements AccessGate.Access {

    @Override
    public AccessDecision decide(ToolContext level) {
      return level.policy().policy().decideFile(level.decision(), FileOperation.WRITE, Path.of(path));
    }

    @Override
    public String describe() {
      return "write " + path;
    }

    @Override
    public String subject() {
      return "write a file";
    }

    @Override
    public String shown() {
      return path;
    }

    @Override
    public AuditEntry record(ToolContext context, ToolContext level, String decision, String reason) {
      return () -> context.tool() + " " + decision + " at " + level.tool() + ": " + reason;
    }
  }

  private ToolContext context(Mode mode, String tool, ToolContext outer) {
    return new ToolContext(tool + "-call", tool, new ActivePolicy.Snapshot(policy, mode),
        policy.decide(tool, DeclaredRisk.of(Risk.LOW)), outer);
  }

  private AccessGate gate(AuditLog audit) {
    return new AccessGate(audit, new Approver(new Approvals(), audit));
  }

  private AccessGate gate() {
    return gate(AuditLog.open(dir.resolve("audit.jsonl")));
  }

  private String audit() throws Exception {
    return Files.readString(dir.resolve("audit.jsonl"));
  }

  @Test
  void anAccessTheGrantsAllowPassesAndEnforceModeRecordsNothing() throws Exception {
    AccessGate gate = gate();

    gate.check(context(Mode.ENFORCE, "writer", null), new Write("/srv/box/out/a.txt"));

    assertThat(audit()).isEmpty();
  }

  @Test
  void anAccessNoGrantAllowsIsRecordedAndDenied() throws Exception {
    AccessGate gate = gate();

    assertThatThrownBy(() -> gate.check(context(Mode.ENFORCE, "writer", null), new Write("/srv/box/data/a.txt")))
        .isInstanceOf(SecurityException.class)
        .hasMessage("Tool 'writer' may not write /srv/box/data/a.txt: no write glob grants data/a.txt [rule app.yaml:4]");
    assertThat(audit()).isEqualTo("writer deny at writer: no write glob grants data/a.txt\n");
  }

  @Test
  void aToolCalledFromAnotherHasTheOuterToolsLimitsToo() throws Exception {
    AccessGate gate = gate();
    ToolContext inner = context(Mode.ENFORCE, "writer", context(Mode.ENFORCE, "reader", null));

    assertThatThrownBy(() -> gate.check(inner, new Write("/srv/box/out/a.txt")))
        .isInstanceOf(SecurityException.class)
        .hasMessage("Tool 'writer' (inside tool 'reader') may not write /srv/box/out/a.txt: no write glob grants"
            + " out/a.txt [rule app.yaml:10]");
    assertThat(audit()).isEqualTo("writer deny at reader: no write glob grants out/a.txt\n");
  }

  @Test
  void whereAGlobAsksAndNoApprovalChannelIsOnTheAccessIsDenied() throws Exception {
    AccessGate gate = gate();

    assertThatThrownBy(() -> gate.check(context(Mode.ENFORCE, "writer", null), new Write("/srv/box/ask/a.txt")))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("but no approval channel is on");
    assertThat(audit()).startsWith("writer deny at writer: a person must approve it first");
  }

  @Test
  void auditModeRecordsEveryAccessAndLetsItRun() throws Exception {
    AccessGate gate = gate();
    ToolContext writer = context(Mode.AUDIT, "writer", null);

    gate.check(writer, new Write("/srv/box/out/a.txt"));
    gate.check(writer, new Write("/srv/box/data/a.txt"));
    gate.check(writer, new Write("/srv/box/ask/a.txt"));

    assertThat(audit().lines()).containsExactly(
        "writer allow at writer: within the tool's grants",
        "writer would-deny at writer: no write glob grants data/a.txt",
        "writer would-ask at writer: a person must approve it first, by ask write glob \"ask/**\" of rule app.yaml:4");
  }

  @Test
  void anAccessIsStoppedWhenItsAuditLineCannotBeWrittenEvenInAuditMode() {
    AccessGate gate = gate(AuditLog.open(Path.of("/dev/full")));

    assertThatThrownBy(() -> gate.check(context(Mode.AUDIT, "writer", null), new Write("/srv/box/out/a.txt")))
        .isInstanceOf(SecurityException.class)
        .hasMessage("Tool 'writer' was stopped: the audit log cannot be written, and nothing runs unrecorded");
    assertThatThrownBy(() -> gate.check(context(Mode.AUDIT, "writer", null), new Write("/srv/box/data/a.txt")))
        .isInstanceOf(SecurityException.class)
        .hasMessage("Tool 'writer' was stopped: the audit log cannot be written, and nothing runs unrecorded");
  }
}
