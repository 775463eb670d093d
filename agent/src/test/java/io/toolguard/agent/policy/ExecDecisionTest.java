package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExecDecisionTest {

  static final String POLICY =
      """
      version: 1
      sandbox: /srv/box
      tools:
        build:
          decision: allow
          exec:
            - make
            - command: /opt/tools/git
              args: ["status", "log *"]
            - command: /opt/tools/git
              args: ["push*"]
              ask: true
        idle:
          decision: allow
      """;

  private final Policy policy;

  ExecDecisionTest() throws Exception {
    policy = PolicyText.parse(POLICY);
  }

  private AccessDecision decide(String tool, String name, String executable, String arguments) {
    return policy.decideExec(
        policy.decide(tool, DeclaredRisk.of(Risk.LOW)),
        name,
        Optional.ofNullable(executable).map(Path::of),
        arguments);
  }

  @Test
  void aBareNameGrantsThatNameWithAnyArguments() {
    assertThat(decide("build", "make", "/usr/bin/make", "-j4 all").outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(decide("build", "make", null, "").reason())
        .isEqualTo("granted by exec grant \"make with any arguments\"" + " of rule app.yaml:4");
  }

  @Test
  void aBareNameDoesNotGrantTheSameNameGivenAsAPath() {
    assertThat(decide("build", "./make", "/srv/box/make", "").outcome()).isEqualTo(Outcome.DENY);
    assertThat(decide("build", "/usr/bin/make", "/usr/bin/make", "").outcome())
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void aPathGrantsWhateverRunsThatFileWithTheArgumentsItLists() {
    assertThat(decide("build", "git", "/opt/tools/git", "status").outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(decide("build", "../tools/git", "/opt/tools/git", "log --oneline -3").outcome())
        .isEqualTo(Outcome.ALLOW);
    assertThat(decide("build", "git", "/opt/tools/git", "clean -fdx").outcome())
        .isEqualTo(Outcome.DENY);
    assertThat(decide("build", "git", "/usr/bin/git", "status").outcome()).isEqualTo(Outcome.DENY);
    assertThat(decide("build", "git", null, "status").outcome())
        .as("not found")
        .isEqualTo(Outcome.DENY);
  }

  @Test
  void aGrantThatAsksBeatsOneThatDoesNot() {
    AccessDecision push = decide("build", "git", "/opt/tools/git", "push origin main");

    assertThat(push.outcome()).isEqualTo(Outcome.ASK);
    assertThat(push.reason())
        .isEqualTo(
            "a person must approve it first, by exec grant \"/opt/tools/git with arguments"
                + " [push*]\" of rule app.yaml:4");
  }

  @Test
  void aRuleWithoutExecGrantsRunsNothingAndADeniedToolNothingAtAll() {
    assertThat(decide("idle", "make", "/usr/bin/make", "").reason())
        .isEqualTo("the tool's rule grants no command (add an 'exec' list)");
    assertThat(decide("other", "make", "/usr/bin/make", "").reason())
        .startsWith("the tool itself is denied");
  }
}
