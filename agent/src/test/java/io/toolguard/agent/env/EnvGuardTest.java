package io.toolguard.agent.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.approval.Approvals;
import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.EnvKind;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.PolicyText;
import io.toolguard.agent.policy.Risk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvGuardTest {

  private static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        build:
          decision: allow
          env:
            variables: ["GRADLE_*"]
            properties: ["app.mode"]
      """;

  @TempDir Path dir;

  @Test
  void aGrantedVariableIsReadAndAnyOtherLooksUnsetAndIsRecorded() throws Exception {
    EnvGuard guard = guard(Path.of(dir + "/audit.jsonl"));
    ToolContext build = context(Mode.ENFORCE);

    assertThat(guard.check(build, EnvKind.VARIABLE, EnvTarget.NAME, "GRADLE_OPTS"))
        .isEqualTo("GRADLE_OPTS");
    assertThat(guard.check(build, EnvKind.VARIABLE, EnvTarget.NAME, "AWS_SECRET_ACCESS_KEY"))
        .isEqualTo(EnvGuard.UNSET);
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains(
            "\"name\":\"AWS_SECRET_ACCESS_KEY\",\"decision\":\"deny\"",
            "it looks unset to the tool")
        .doesNotContain("GRADLE_OPTS");
  }

  @Test
  void standardPropertiesStayReadableAndTheCommandLineDoesNot() {
    EnvGuard guard = guard(dir.resolve("audit.jsonl"));
    ToolContext build = context(Mode.ENFORCE);

    assertThat(guard.check(build, EnvKind.PROPERTY, EnvTarget.NAME, "java.version"))
        .isEqualTo("java.version");
    assertThat(guard.check(build, EnvKind.PROPERTY, EnvTarget.NAME, "app.mode"))
        .isEqualTo("app.mode");
    assertThat(guard.check(build, EnvKind.PROPERTY, EnvTarget.NAME, "sun.java.command"))
        .isEqualTo(EnvGuard.UNSET);
  }

  @Test
  void theWholeEnvironmentKeepsOnlyGrantedNamesAndSaysHowManyWereLeftOut() throws Exception {
    EnvGuard guard = guard(dir.resolve("audit.jsonl"));
    Map<String, String> environment =
        new HashMap<>(Map.of("GRADLE_HOME", "/g", "TOKEN", "s", "HOME", "/root"));

    guard.trim(context(Mode.ENFORCE), environment);

    assertThat(environment).containsOnlyKeys("GRADLE_HOME");
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("2 variables not granted were left out");
  }

  @Test
  void auditModeHandsTheValueOverAndRecordsWouldDeny() throws Exception {
    EnvGuard guard = guard(dir.resolve("audit.jsonl"));

    assertThat(guard.check(context(Mode.AUDIT), EnvKind.VARIABLE, EnvTarget.NAME, "TOKEN"))
        .isEqualTo("TOKEN");
    assertThat(Files.readString(dir.resolve("audit.jsonl")))
        .contains("\"decision\":\"would-deny\"");
  }

  @Test
  void aReadThatCannotBeRecordedIsStopped() {
    EnvGuard guard = guard(Path.of("/dev/full"));

    assertThatThrownBy(
            () -> guard.check(context(Mode.ENFORCE), EnvKind.VARIABLE, EnvTarget.NAME, "TOKEN"))
        .isInstanceOf(SecurityException.class)
        .hasMessage(
            "Tool 'build' may not read the variable TOKEN: the audit log cannot be written, and nothing runs"
                + " unrecorded");
  }

  private static EnvGuard guard(Path log) {
    AuditLog audit = AuditLog.open(log);
    return new EnvGuard(new AccessGate(audit, new Approver(new Approvals(), audit)));
  }

  private static ToolContext context(Mode mode) {
    try {
      Policy policy = PolicyText.parse(POLICY);
      return new ToolContext(
          "c-1",
          "build",
          new ActivePolicy.Snapshot(policy, mode),
          policy.decide("build", DeclaredRisk.of(Risk.LOW)),
          null);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
