package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule with {@code withhold_secret_results} keeps a result holding a secret from the model: the
 * call fails naming the kind (never the value), with an audit line; audit mode only logs it.
 */
class ResultWithholdingTest {

  private static final String AWS = "AKIAIOSFODNN7EXAMPLE";

  @TempDir Path dir;

  private final ToolRegistry registry = new ToolRegistry();
  private final int readFile =
      registry.register(
          new ToolMethod("read_file", DeclaredRisk.of(Risk.LOW), "A#read", List.of("path")));
  private final int lookup =
      registry.register(
          new ToolMethod("lookup", DeclaredRisk.of(Risk.LOW), "A#lookup", List.of("key")));

  private ToolCallGuard guard(Mode mode) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("app.yaml"),
            "version: 1\nsandbox: box\n"
                + "secrets:\n  - {name: order token, regex: \"ot_[A-Za-z0-9]{8}\"}\n"
                + "tools:\n  read_file:\n    decision: allow\n    risk: LOW\n"
                + "    withhold_secret_results: true\n"
                + "  lookup:\n    decision: allow\n    risk: LOW\n");
    AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
    return new ToolCallGuard(
        new ActivePolicy(new ActivePolicy.Snapshot(PolicyParser.parse(file), mode)),
        registry,
        audit,
        new Approver(new Approvals(), audit));
  }

  @Test
  void aResultHoldingASecretIsWithheldNamingTheKindNeverTheValue() throws Exception {
    ToolCallGuard guard = guard(Mode.ENFORCE);
    ToolContext call = (ToolContext) guard.enterTool(readFile, new Object[] {"a"}, null);

    assertThatThrownBy(() -> guard.toolReturned(call, "creds: ot_AbCd1234"))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'read_file' ran, but toolguard withheld its result: it holds a secret (order"
                + " token) [rule "
                + dir.resolve("app.yaml")
                + ":6]")
        .hasMessageNotContaining("ot_AbCd1234");
    assertThatThrownBy(() -> guard.toolReturned(call, List.of("id " + AWS)))
        .hasMessageContaining("it holds a secret (AWS access key)");
    String audit = Files.readString(dir.resolve("audit.jsonl"));
    assertThat(audit)
        .contains(
            "\"event\":\"result\",\"call_id\":\""
                + call.callId()
                + "\",\"tool\":\"read_file\","
                + "\"decision\":\"deny\",\"rule\":\""
                + dir.resolve("app.yaml")
                + ":6\"")
        .contains("its result is withheld from the model: it holds a secret (order token)")
        .doesNotContain("ot_AbCd1234", AWS);
  }

  @Test
  void aCleanResultAndAToolThatDoesNotWithholdPass() throws Exception {
    ToolCallGuard guard = guard(Mode.ENFORCE);
    ToolContext read = (ToolContext) guard.enterTool(readFile, new Object[] {"a"}, null);
    ToolContext other = (ToolContext) guard.enterTool(lookup, new Object[] {"k"}, null);

    guard.toolReturned(read, "# Q3 report\nRevenue grew.");
    guard.toolReturned(other, "creds: ot_AbCd1234");

    assertThat(Files.readString(dir.resolve("audit.jsonl"))).doesNotContain("\"event\":\"result\"");
  }

  @Test
  void auditModeReturnsTheResultAndLogsThatItWouldBeWithheld() throws Exception {
    ToolCallGuard guard = guard(Mode.AUDIT);
    ToolContext call = (ToolContext) guard.enterTool(readFile, new Object[] {"a"}, null);

    guard.toolReturned(call, "creds: ot_AbCd1234");

    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("\"event\":\"result\"", "\"decision\":\"would-deny\"");
  }
}
