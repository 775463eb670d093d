package io.toolguard.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir Path dir;

  private static AuditEntry entry(String tool) {
    return new AuditRecord(
        Instant.parse("2025-01-01T00:00:00Z"),
        "c-1",
        null,
        tool,
        "A#" + tool,
        "LOW",
        Decision.ALLOW,
        "app.yaml:3",
        "allowed",
        "",
        "main");
  }

  @Test
  void eachEntryIsOnDiskAsOneLineWhenWriteReturns() throws Exception {
    AuditLog log = AuditLog.open(dir.resolve("logs/audit.jsonl"));

    log.write(entry("first"));
    assertThat(Files.readAllLines(dir.resolve("logs/audit.jsonl"))).hasSize(1);
    log.write(entry("second"));

    assertThat(Files.readAllLines(dir.resolve("logs/audit.jsonl")))
        .containsExactly(entry("first").toJson(), entry("second").toJson());
    assertThat(log.file()).isEqualTo(dir.resolve("logs/audit.jsonl"));
  }

  @Test
  void aLineThatCannotBeWrittenFailsTheWriteAndEveryLaterOne() {
    AuditLog log = AuditLog.open(Path.of("/dev/full"));

    assertThatThrownBy(() -> log.write(entry("first")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot write the audit log /dev/full: ")
        .hasMessageContaining("No space left on device");
    assertThatThrownBy(() -> log.write(entry("second"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aLogThatCannotBeOpenedSaysWhy() throws Exception {
    Files.writeString(dir.resolve("file"), "");

    assertThatThrownBy(() -> AuditLog.open(dir.resolve("file/audit.jsonl")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot write the audit log " + dir.resolve("file/audit.jsonl"));
  }
}
