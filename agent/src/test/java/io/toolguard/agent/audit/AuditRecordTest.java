package io.toolguard.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditRecordTest {

  @Test
  void isOneJsonObjectWithEveryFieldInOrder() {
    AuditRecord record =
        new AuditRecord(
            Instant.parse("2026-01-02T03:04:05Z"),
            "ab12-1",
            null,
            "read_file",
            "com.acme.Tools#read",
            "LOW",
            Decision.ALLOW,
            "app.yaml:7",
            "allowed by policy rule 'read_file'",
            "path=\"a\"",
            "main");

    assertThat(record.toJson())
        .isEqualTo(
            "{\"time\":\"2026-01-02T03:04:05Z\",\"call_id\":\"ab12-1\","
                + "\"parent_call_id\":null,\"tool\":\"read_file\",\"method\":\"com.acme.Tools#read\",\"risk\":\"LOW\","
                + "\"decision\":\"allow\",\"rule\":\"app.yaml:7\",\"reason\":\"allowed by policy rule 'read_file'\","
                + "\"args\":\"path=\\\"a\\\"\",\"thread\":\"main\"}");
  }

  @Test
  void escapesEverythingThatCouldBreakTheLineOrTheObject() {
    String hostile = "a\"b\\c\nd\re\tf\u0000g\u001fh\u2028i\ud800j";
    AuditRecord record =
        new AuditRecord(
            Instant.EPOCH, "1", "0", hostile, "m", "LOW", Decision.DENY, "r", "why", hostile, "t");

    String json = record.toJson();

    assertThat(json)
        .doesNotContain("\n", "\r", "\t", "\u0000", "\u2028")
        .contains("a\\\"b\\\\c\\nd\\re\\tf\\u0000g\\u001fh\\u2028i\\ud800j");
  }
}
