package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy can include a base policy whose deny rules and locked settings it cannot loosen. */
class PolicyLayeringTest {

  static final String BASE =
      """
      version: 1
      mode: enforce
      sandbox: /srv/agents
      locked: [mode]
      tools:
        send_email:
          decision: deny
        "*_admin":
          decision: deny
        read_file:
          decision: allow
          risk: LOW
          files:
            read: ["shared/**"]
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeBase() throws Exception {
    Files.createDirectories(dir.resolve("company"));
    Files.writeString(dir.resolve("company/base.yaml"), BASE);
  }

  @Test
  void rulesAddUpWithTheBasesFirstAndSettingsComeFromTheBaseUnlessSetHere() throws Exception {
    Policy policy =
        parse(
            """
        version: 1
        include: company/base.yaml
        tools:
          write_file:
            decision: allow
        """);

    assertThat(policy.tools())
        .extracting(ToolRule::pattern)
        .containsExactly("send_email", "*_admin", "read_file", "write_file");
    assertThat(policy.tools().get(0).location().rule())
        .isEqualTo(dir.resolve("company/base.yaml") + ":6");
    assertThat(policy.sandbox()).isEqualTo(Path.of("/srv/agents"));
    assertThat(policy.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(policy.modeLock())
        .map(Location::rule)
        .contains(dir.resolve("company/base.yaml") + ":4");
    assertThat(policy.files())
        .containsExactly(dir.resolve("app.yaml"), dir.resolve("company/base.yaml"));
    assertThat(policy.decide("send_email", DeclaredRisk.of(Risk.LOW)).verdict())
        .isEqualTo(Verdict.DENY);
    assertThat(policy.decide("write_file", DeclaredRisk.of(Risk.LOW)).verdict())
        .isEqualTo(Verdict.ALLOW);
  }

  @Test
  void reAllowingADeniedToolIsAnErrorNamingTheBaseRule() {
    assertThatThrownBy(
            () ->
                parse(
                    """
        version: 1
        include: company/base.yaml
        tools:
          send_email:
            decision: allow
          user_admin:
            decision: allow
        """))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(
            "app.yaml:4:3: tool rule 'send_email' is already defined by base rule "
                + dir.resolve("company/base.yaml")
                + ":6")
        .hasMessageContaining(
            "app.yaml:6:3: rule 'user_admin' would loosen base rule "
                + dir.resolve("company/base.yaml")
                + ":8 (deny '*_admin'); a base policy's denials cannot be overridden");
  }

  @Test
  void aBroaderAllowIsFineAndTheBaseDenyStillWins() throws Exception {
    Policy policy =
        parse("version: 1\ninclude: company/base.yaml\ntools:\n  \"*\":\n    decision: allow\n");

    assertThat(policy.decide("user_admin", DeclaredRisk.of(Risk.LOW)).verdict())
        .isEqualTo(Verdict.DENY);
    assertThat(policy.decide("user_admin", DeclaredRisk.of(Risk.LOW)).rule())
        .isEqualTo(dir.resolve("company/base.yaml") + ":8");
    assertThat(policy.decide("lookup", DeclaredRisk.of(Risk.LOW)).verdict())
        .isEqualTo(Verdict.ALLOW);
  }

  @Test
  void aLockedSettingCannotBeChangedButMayBeRepeated() throws Exception {
    assertThatThrownBy(() -> parse("version: 1\ninclude: company/base.yaml\nmode: audit\n"))
        .hasMessageContaining(
            "app.yaml:3:1: 'mode' is locked to enforce by "
                + dir.resolve("company/base.yaml")
                + ":4");

    assertThat(parse("version: 1\ninclude: company/base.yaml\nmode: enforce\n").mode())
        .isEqualTo(Mode.ENFORCE);
  }

  @Test
  void anUnlockedSettingCanBeChanged() throws Exception {
    Policy policy =
        parse("version: 1\ninclude: company/base.yaml\nsandbox: work\nunlisted_tools: allow\n");

    assertThat(policy.sandbox()).isEqualTo(dir.resolve("work"));
    assertThat(policy.unlisted()).isEqualTo(Verdict.ALLOW);
  }

  @Test
  void basesNestAndEveryLevelsDenialsHold() throws Exception {
    Files.writeString(
        dir.resolve("company/team.yaml"),
        "version: 1\ninclude: base.yaml\nlocked: [unlisted_tools]\n");

    assertThatThrownBy(
            () ->
                parse(
                    "version: 1\ninclude: company/team.yaml\nunlisted_tools: allow\ntools:\n"
                        + "  db_admin:\n    decision: allow\n"))
        .hasMessageContaining(
            "app.yaml:3:1: 'unlisted_tools' is locked to deny by "
                + dir.resolve("company/team.yaml")
                + ":3")
        .hasMessageContaining(
            "app.yaml:5:3: rule 'db_admin' would loosen base rule "
                + dir.resolve("company/base.yaml")
                + ":8");
  }

  @Test
  void aLockNeedsAValue() throws Exception {
    Files.writeString(dir.resolve("company/bare.yaml"), "version: 1\nlocked: [sandbox]\n");

    assertThatThrownBy(() -> parse("version: 1\ninclude: company/bare.yaml\nsandbox: box\n"))
        .hasMessageContaining(
            "bare.yaml:2:10: 'sandbox' is locked but not set here or in an included policy");
  }

  @Test
  void onlySomeSettingsCanBeLocked() throws Exception {
    Files.writeString(dir.resolve("company/bad.yaml"), "version: 1\nlocked: [tools]\n");

    assertThatThrownBy(() -> parse("version: 1\ninclude: company/bad.yaml\nsandbox: box\n"))
        .hasMessageContaining(
            "bad.yaml:2:10: 'tools' cannot be locked; lockable settings are mode, sandbox,"
                + " unlisted_tools, approval, default_risk (deny rules are always locked)");
  }

  @Test
  void aBaseCanLockTheDefaultRiskOfToolsThatStateNone() throws Exception {
    Files.writeString(
        dir.resolve("company/risk.yaml"),
        "version: 1\ndefault_risk: critical\nlocked: [default_risk]\n");

    assertThatThrownBy(
            () ->
                parse("version: 1\ninclude: company/risk.yaml\nsandbox: box\ndefault_risk: low\n"))
        .hasMessageContaining(
            "app.yaml:4:1: 'default_risk' is locked to CRITICAL by "
                + dir.resolve("company/risk.yaml"));
    Policy policy =
        parse(
            "version: 1\ninclude: company/risk.yaml\nsandbox: box\ntools:\n  t:\n    decision: allow\n");
    assertThat(policy.decide("t", DeclaredRisk.UNSTATED).risk()).isEqualTo(Risk.CRITICAL);
  }

  @Test
  void includeCyclesAreErrors() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "version: 1\nsandbox: box\ninclude: b.yaml\n");
    Files.writeString(dir.resolve("b.yaml"), "version: 1\ninclude: a.yaml\n");

    assertThatThrownBy(() -> PolicyParser.parse(dir.resolve("a.yaml")))
        .hasMessageContaining(
            "b.yaml:2:10: include cycle: "
                + dir.resolve("a.yaml")
                + " includes "
                + dir.resolve("b.yaml")
                + " includes "
                + dir.resolve("a.yaml"));
  }

  @Test
  void problemsInTheBaseNameTheBaseFile() throws Exception {
    Files.writeString(
        dir.resolve("company/broken.yaml"), "version: 1\ntools:\n  x:\n    decison: deny\n");

    assertThatThrownBy(() -> parse("version: 1\nsandbox: box\ninclude: company/broken.yaml\n"))
        .hasMessageContaining(dir.resolve("company/broken.yaml") + ":4:5: unknown key 'decison'");
  }

  @Test
  void aMissingBaseIsAnError() {
    assertThatThrownBy(() -> parse("version: 1\nsandbox: box\ninclude: company/none.yaml\n"))
        .hasMessageContaining(
            dir.resolve("company/none.yaml") + ":1:1: the policy file does not exist");
  }

  private Policy parse(String yaml) throws Exception {
    return PolicyParser.parse(Files.writeString(dir.resolve("app.yaml"), yaml));
  }
}
