package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.approval.CallArguments;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secrets in arguments are replaced by their kind and hash in the audit log and for approvers. */
class SecretsTest {

  private static final String KEY =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
          + "-----END OPENSSH PRIVATE KEY-----";
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IiLCJhZG1pbiI6dHJ1ZX0.c2lnbmF0dXJlX2J5dGVz";

  @Test
  void eachKindIsReplacedByItsKindAndAHashAndTheRestIsKept() {
    assertThat(Secrets.BUILT_IN.redact("key:\n" + KEY + "\nthanks"))
        .matches("key:\n\\[redacted private key sha256:[0-9a-f]{16}\\]\nthanks");
    assertThat(Secrets.BUILT_IN.redact("id AKIAIOSFODNN7EXAMPLE here"))
        .matches("id \\[redacted AWS access key sha256:[0-9a-f]{16}\\] here");
    assertThat(Secrets.BUILT_IN.redact("Authorization: Bearer abcDEF123456789xyz=="))
        .matches("Authorization: Bearer \\[redacted bearer token sha256:[0-9a-f]{16}\\]");
    assertThat(Secrets.BUILT_IN.redact("token=" + JWT))
        .matches("token=\\[redacted JSON Web Token sha256:[0-9a-f]{16}\\]");
    assertThat(Secrets.BUILT_IN.redact("ghp_" + "a".repeat(36)))
        .startsWith("[redacted GitHub token");
    assertThat(Secrets.BUILT_IN.redact("xoxb-1234567890-abcdef"))
        .startsWith("[redacted Slack token");
    assertThat(Secrets.BUILT_IN.redact("AIza" + "B".repeat(35)))
        .startsWith("[redacted Google API key");
    assertThat(Secrets.BUILT_IN.redact("-----BEGIN RSA PRIVATE KEY-----\nMIIE unterminated"))
        .startsWith("[redacted private key sha256:")
        .doesNotContain("MIIE");
  }

  @Test
  void theSameSecretHasTheSameHashAndAnotherADifferentOne() {
    String one = Secrets.BUILT_IN.redact("AKIAIOSFODNN7EXAMPLE");
    assertThat(Secrets.BUILT_IN.redact("again AKIAIOSFODNN7EXAMPLE")).isEqualTo("again " + one);
    assertThat(Secrets.BUILT_IN.redact("AKIAIOSFODNN7EXAMPLF")).isNotEqualTo(one);
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    for (String text :
        List.of(
            "Quarterly report: revenue grew",
            "bearer of good news",
            "AKIA is a prefix",
            "eyJ alone",
            "data/report.md")) {
      assertThat(Secrets.BUILT_IN.redact(text)).isEqualTo(text);
    }
  }

  @Test
  void theAuditSummaryAndTheApproversArgumentsCarryNoSecret() {
    Object[] arguments = {"ops@example.com", "here is the key:\n" + KEY};
    List<String> names = List.of("to", "body");

    String audit = ArgumentSummary.of(names, arguments);
    CallArguments approval = ArgumentSummary.forApproval(names, arguments);

    assertThat(audit).contains("[redacted private key sha256:").doesNotContain("b3BlbnNzaC1r");
    assertThat(approval.list().get(1).text())
        .startsWith("here is the key:\n[redacted private key sha256:")
        .doesNotContain("b3BlbnNzaC1r");
    assertThat(approval.exact().orElseThrow()).doesNotContain("b3BlbnNzaC1r");
  }

  static io.toolguard.agent.policy.Policy policy(String extra) {
    try {
      return io.toolguard.agent.policy.read.PolicyParser.parse(
          "app.yaml", java.nio.file.Path.of("/box"), "version: 1\nsandbox: box\n" + extra);
    } catch (io.toolguard.agent.policy.read.PolicyException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Test
  void kindsThePolicyAddsAreRedactedLikeTheBuiltInOnesInEveryView() {
    Secrets secrets =
        Secrets.of(
            policy(
                "secrets:\n  - {name: order token, regex: \"ot_[A-Za-z0-9]{8}\"}\n"
                    + "  - {name: internal host, regex: \"[a-z]+\\\\.corp\\\\.example\"}\n"));

    String once = secrets.redact("token ot_AbCd1234 and AKIAIOSFODNN7EXAMPLE on db.corp.example");
    assertThat(once)
        .matches(
            "token \\[redacted order token sha256:[0-9a-f]{16}\\] and \\[redacted AWS access key"
                + " sha256:[0-9a-f]{16}\\] on \\[redacted internal host sha256:[0-9a-f]{16}\\]");
    assertThat(secrets.redact("again ot_AbCd1234"))
        .isEqualTo("again " + once.substring(6, once.indexOf(']') + 1));
    assertThat(Secrets.BUILT_IN.redact("token ot_AbCd1234")).isEqualTo("token ot_AbCd1234");
    assertThat(secrets.kindIn("x ot_AbCd1234")).contains("order token");
    assertThat(secrets.kindIn("nothing here")).isEmpty();

    Object[] arguments = {"send ot_AbCd1234 now"};
    assertThat(ArgumentSummary.of(List.of("body"), arguments, secrets))
        .startsWith("body=\"send [redacted order token sha256:")
        .doesNotContain("ot_AbCd1234");
    assertThat(ArgumentSummary.forApproval(List.of("body"), arguments, secrets).list())
        .extracting(CallArguments.Argument::text)
        .allSatisfy(text -> assertThat(text).contains("[redacted order token sha256:"))
        .noneSatisfy(text -> assertThat(text).contains("ot_AbCd1234"));
  }
}
