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
    assertThat(Secrets.redact("key:\n" + KEY + "\nthanks"))
        .matches("key:\n\\[redacted private key sha256:[0-9a-f]{16}\\]\nthanks");
    assertThat(Secrets.redact("id AKIAIOSFODNN7EXAMPLE here"))
        .matches("id \\[redacted AWS access key sha256:[0-9a-f]{16}\\] here");
    assertThat(Secrets.redact("Authorization: Bearer abcDEF123456789xyz=="))
        .matches("Authorization: Bearer \\[redacted bearer token sha256:[0-9a-f]{16}\\]");
    assertThat(Secrets.redact("token=" + JWT))
        .matches("token=\\[redacted JSON Web Token sha256:[0-9a-f]{16}\\]");
    assertThat(Secrets.redact("ghp_" + "a".repeat(36))).startsWith("[redacted GitHub token");
    assertThat(Secrets.redact("xoxb-1234567890-abcdef")).startsWith("[redacted Slack token");
    assertThat(Secrets.redact("AIza" + "B".repeat(35))).startsWith("[redacted Google API key");
    assertThat(Secrets.redact("-----BEGIN RSA PRIVATE KEY-----\nMIIE unterminated"))
        .startsWith("[redacted private key sha256:")
        .doesNotContain("MIIE");
  }

  @Test
  void theSameSecretHasTheSameHashAndAnotherADifferentOne() {
    String one = Secrets.redact("AKIAIOSFODNN7EXAMPLE");
    assertThat(Secrets.redact("again AKIAIOSFODNN7EXAMPLE")).isEqualTo("again " + one);
    assertThat(Secrets.redact("AKIAIOSFODNN7EXAMPLF")).isNotEqualTo(one);
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
      assertThat(Secrets.redact(text)).isEqualTo(text);
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
}
