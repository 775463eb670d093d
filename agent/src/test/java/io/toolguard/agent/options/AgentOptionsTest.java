package io.toolguard.agent.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.policy.Mode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty("toolguard.policy");
  }

  @Test
  void readsCommaSeparatedKeyValuePairs() {
    AgentOptions options =
        AgentOptions.parse("policy=policies/app.yaml, mode=audit ,audit=/var/log/tg.jsonl");

    assertThat(options.policy()).contains("policies/app.yaml");
    assertThat(options.mode()).contains(Mode.AUDIT);
    assertThat(options.audit()).contains("/var/log/tg.jsonl");
  }

  @Test
  void reloadTakesSecondsAndZeroTurnsItOff() {
    assertThat(AgentOptions.parse("").reload()).isEqualTo(AgentOptions.DEFAULT_RELOAD);
    assertThat(AgentOptions.parse("reload=0.2").reload())
        .isEqualTo(java.time.Duration.ofMillis(200));
    assertThat(AgentOptions.parse("reload=30").reload())
        .isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(AgentOptions.parse("reload=0").reload()).isZero();
    assertThatThrownBy(() -> AgentOptions.parse("reload=0.01"))
        .hasMessageContaining("between 0.05 and 86400");
    assertThatThrownBy(() -> AgentOptions.parse("reload=-1"))
        .hasMessageContaining("between 0.05 and 86400");
    assertThatThrownBy(() -> AgentOptions.parse("reload=soon"))
        .hasMessageContaining("reload=soon is not valid");
  }

  @Test
  void theAttachCommandPassesOptionsOnWithItsOwnFolderMadeExplicit() {
    AgentOptions given =
        AgentOptions.parse("policy=policies/app.yaml,mode=audit,audit=../tg.jsonl,reload=0.5");

    String passed = given.withPathsFrom(java.nio.file.Path.of("/srv/ops")).text();

    assertThat(passed)
        .isEqualTo(
            "policy=/srv/ops/policies/app.yaml,mode=audit,audit=/srv/ops/../tg.jsonl,reload=0.5");
    assertThat(AgentOptions.parse(passed))
        .isEqualTo(given.withPathsFrom(java.nio.file.Path.of("/srv/ops")));
    assertThat(
            AgentOptions.parse("policy=/etc/app.yaml")
                .withPathsFrom(java.nio.file.Path.of("/srv"))
                .text())
        .isEqualTo("policy=/etc/app.yaml,reload=2.0");
  }

  @Test
  void noOptionsAtAllIsFine() {
    assertThat(AgentOptions.parse(null).policy()).isEmpty();
    assertThat(AgentOptions.parse("").mode()).isEmpty();
  }

  @Test
  void rejectsUnknownEmptyRepeatedAndInvalidOptions() {
    assertThatThrownBy(() -> AgentOptions.parse("polcy=a.yaml"))
        .hasMessageContaining("unknown agent option 'polcy'");
    assertThatThrownBy(() -> AgentOptions.parse("policy="))
        .hasMessageContaining("'policy' needs a value");
    assertThatThrownBy(() -> AgentOptions.parse("policy"))
        .hasMessageContaining("'policy' needs a value");
    assertThatThrownBy(() -> AgentOptions.parse("policy=a,policy=b"))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> AgentOptions.parse("policy=a,,mode=audit"))
        .hasMessageContaining("unknown agent option ''");
    assertThatThrownBy(() -> AgentOptions.parse("mode=permissive"))
        .hasMessageContaining("agent option mode=permissive is not valid; use enforce or audit");
  }

  @Test
  void modeAuditAndReloadComeFromAPropertyOrTheEnvironmentWhenTheOptionsLackThem() {
    Map<String, String> env =
        Map.of(
            "TOOLGUARD_MODE",
            "audit",
            "TOOLGUARD_AUDIT",
            "/var/log/env.jsonl",
            "TOOLGUARD_RELOAD",
            "0");
    Map<String, String> properties =
        Map.of("toolguard.audit", "/var/log/property.jsonl", "toolguard.reload", " ");

    AgentOptions fromBoth = AgentOptions.parse("policy=a.yaml", properties, env);

    assertThat(fromBoth.mode()).contains(Mode.AUDIT);
    assertThat(fromBoth.audit()).contains("/var/log/property.jsonl");
    assertThat(fromBoth.reload()).isZero();

    AgentOptions options =
        AgentOptions.parse("mode=enforce,audit=o.jsonl,reload=5", properties, env);
    assertThat(options.mode()).contains(Mode.ENFORCE);
    assertThat(options.audit()).contains("o.jsonl");
    assertThat(options.reload()).hasSeconds(5);

    assertThat(AgentOptions.parse("", Map.of(), Map.of()).reload()).hasSeconds(2);
  }

  @Test
  void aBadValueFromTheEnvironmentNamesWhereItCameFrom() {
    assertThatThrownBy(() -> AgentOptions.parse("", Map.of(), Map.of("TOOLGUARD_MODE", "off")))
        .hasMessage("environment variable TOOLGUARD_MODE=off is not valid; use enforce or audit");
    assertThatThrownBy(() -> AgentOptions.parse("", Map.of("toolguard.reload", "soon"), Map.of()))
        .hasMessageStartingWith("system property toolguard.reload=soon is not valid; give seconds");
  }

  @Test
  void thePolicyOptionWinsOverThePropertyWhichWinsOverTheEnvironment() {
    Map<String, String> env = Map.of("TOOLGUARD_POLICY", "env.yaml");
    System.setProperty("toolguard.policy", "property.yaml");

    assertThat(AgentOptions.parse("policy=option.yaml").policyFile(env)).isEqualTo("option.yaml");
    assertThat(AgentOptions.parse("").policyFile(env)).isEqualTo("property.yaml");
    System.clearProperty("toolguard.policy");
    assertThat(AgentOptions.parse("").policyFile(env)).isEqualTo("env.yaml");
  }

  @Test
  void withNoPolicyAnywhereTheErrorSaysHowToGiveOne() {
    assertThatThrownBy(() -> AgentOptions.parse("").policyFile(Map.of()))
        .hasMessageContaining("no policy given")
        .hasMessageContaining("policy=PATH")
        .hasMessageContaining("toolguard.policy")
        .hasMessageContaining("TOOLGUARD_POLICY");
  }
}
