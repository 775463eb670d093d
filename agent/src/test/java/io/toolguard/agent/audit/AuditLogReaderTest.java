package io.toolguard.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogReaderTest {

  @TempDir Path dir;

  @Test
  void readsBackWhatTheAuditLogWrites() throws Exception {
    String hostile = "a\"b\\c\nd\te\u0001f\u2028";
    AuditRecord record =
        new AuditRecord(
            Instant.EPOCH,
            "1",
            null,
            hostile,
            "m",
            "LOW",
            Decision.ALLOW,
            "r",
            "why",
            hostile,
            "t");
    PolicyEvent event =
        new PolicyEvent(Instant.EPOCH, "policy-reloaded", "p.yaml", "abc", "1 tool rules");
    Path log =
        Files.writeString(
            dir.resolve("audit.jsonl"), record.toJson() + "\n\n" + event.toJson() + "\n");

    List<Map<String, String>> lines = AuditLogReader.read(log);

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .containsEntry("tool", hostile)
        .containsEntry("args", hostile)
        .containsEntry("parent_call_id", null)
        .containsEntry("decision", "allow");
    assertThat(lines.get(1))
        .containsEntry("event", "policy-reloaded")
        .containsEntry("sha256", "abc");
  }

  @Test
  void aLineThatIsNotAnAuditLineIsAnErrorWithItsNumber() throws Exception {
    for (String bad :
        List.of(
            "not json",
            "{\"a\":1}",
            "{\"a\":\"b\"",
            "{\"a\":\"b\"} x",
            "{\"a\":\"b\",\"a\":\"c\"}",
            "{\"a\":\"\\q\"}",
            "{\"a\":\"\\u12\"}",
            "[\"a\"]")) {
      Path log = Files.writeString(dir.resolve("bad.jsonl"), "{\"ok\":\"yes\"}\n" + bad + "\n");

      assertThatThrownBy(() -> AuditLogReader.read(log))
          .as(bad)
          .hasMessageStartingWith(log + ":2: not an audit log line");
    }
  }
}
