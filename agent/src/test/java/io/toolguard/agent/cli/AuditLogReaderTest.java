package io.toolguard.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.audit.ApprovalRecord;
import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.AuditRecord;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.EnvRecord;
import io.toolguard.agent.audit.ExecRecord;
import io.toolguard.agent.audit.FileAccessRecord;
import io.toolguard.agent.audit.Json;
import io.toolguard.agent.audit.JvmActionRecord;
import io.toolguard.agent.audit.NetRecord;
import io.toolguard.agent.audit.PolicyEvent;
import io.toolguard.agent.audit.ResultRecord;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogReaderTest {

  private static final String HOSTILE = "a\"b\\c\nd\te\u0001f\u2028g\ud800h\u202e";

  @TempDir Path dir;

  /** One entry of every kind the agent writes, with hostile text where text goes. */
  private static List<AuditEntry> everyKind() {
    Instant t = Instant.EPOCH;
    return List.of(
        new AuditRecord(
            t, "1", null, HOSTILE, "m", "LOW", Decision.ALLOW, "r", "why", HOSTILE, "t"),
        new FileAccessRecord(
            t,
            "1",
            "read_file",
            "read",
            HOSTILE,
            "/etc/passwd",
            Decision.WOULD_DENY,
            "r",
            "w",
            "t"),
        new ExecRecord(t, "1", "run", "git status", "/usr/bin/git", Decision.DENY, "r", "w", "t"),
        new NetRecord(
            t,
            "1",
            "fetch",
            "connect",
            "example.com",
            "1.2.3.4:443",
            Decision.ALLOW,
            "r",
            "w",
            "t"),
        new EnvRecord(t, "1", "env", "variable", "HOME", Decision.DENY, "r", "w", "t"),
        new JvmActionRecord(t, "1", "exit", "System.exit(3)", Decision.DENY, "w", "t"),
        new PolicyEvent(t, "policy-reloaded", "p.yaml", "abc", "1 tool rules"),
        new ApprovalRecord(
            t,
            "rq",
            "1",
            "delete_file",
            "x#y",
            "HIGH",
            "pending",
            false,
            null,
            null,
            null,
            null,
            t.plusSeconds(300)),
        new ApprovalRecord(
            t,
            "rq",
            "1",
            "delete_file",
            "x#y",
            "HIGH",
            "approve_session",
            true,
            "Ada",
            "web",
            4213L,
            HOSTILE,
            null),
        new ResultRecord(t, "1", "read_file", Decision.DENY, "r", HOSTILE, "t"),
        new AuditRecord(
            t,
            "2",
            null,
            "send",
            "m",
            "LOW",
            Decision.ALLOW,
            "r",
            "why",
            "a",
            "t",
            Json.object("to", HOSTILE, "n", new java.math.BigDecimal("12.50"), "b", true)));
  }

  @Test
  void readsBackEveryKindOfLineTheAgentWrites() throws Exception {
    List<AuditEntry> entries = everyKind();
    Path log =
        Files.writeString(
            dir.resolve("audit.jsonl"),
            entries.stream().map(AuditEntry::toJson).collect(Collectors.joining("\n\n")) + "\n");

    List<Map<String, String>> lines = AuditLogReader.read(log);

    assertThat(lines).hasSize(entries.size());
    assertThat(lines.get(0))
        .containsEntry("tool", HOSTILE)
        .containsEntry("args", HOSTILE)
        .containsEntry("parent_call_id", null)
        .containsEntry("decision", "allow");
    assertThat(lines.get(1)).containsEntry("event", "file").containsEntry("path", HOSTILE);
    assertThat(lines.get(6))
        .containsEntry("event", "policy-reloaded")
        .containsEntry("sha256", "abc");
    assertThat(lines.get(8))
        .containsEntry("event", "approval")
        .containsEntry("earlier", "true")
        .containsEntry("waited_ms", "4213")
        .containsEntry("message", HOSTILE);
    assertThat(lines.get(9)).containsEntry("event", "result").containsEntry("reason", HOSTILE);
    assertThat(lines.get(10))
        .containsEntry("values.to", HOSTILE)
        .containsEntry("values.n", "12.50")
        .containsEntry("values.b", "true");
  }

  @Test
  void theTestCoversEveryKindOfAuditEntry() throws Exception {
    URI folder = AuditEntry.class.getResource("AuditEntry.class").toURI().resolve(".");
    Set<Class<?>> kinds;
    try (Stream<Path> files = Files.list(Path.of(folder))) {
      kinds =
          files
              .map(f -> f.getFileName().toString())
              .filter(name -> name.endsWith(".class") && !name.contains("$"))
              .map(name -> load("io.toolguard.agent.audit." + name.replace(".class", "")))
              .filter(c -> AuditEntry.class.isAssignableFrom(c) && !c.isInterface())
              .collect(Collectors.toSet());
    }
    assertThat(kinds).isNotEmpty();
    assertThat(everyKind().stream().map(Object::getClass).collect(Collectors.toSet()))
        .containsAll(kinds);
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, AuditLogReaderTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aLineThatIsNotAnAuditLineIsAnErrorWithItsNumberAndField() throws Exception {
    Map<String, String> bad =
        Map.ofEntries(
            Map.entry("not json", "expected a value"),
            Map.entry("{\"a\":{\"b\":1}}", "field 'a' holds an object or array"),
            Map.entry("{\"a\":\"b\"", "expected '}'"),
            Map.entry("{\"a\":\"b\"} x", "text after the value"),
            Map.entry(
                "{\"a\":\"b\",\"a\":\"c\"}", "the field appears twice at column 14 (in field 'a')"),
            Map.entry("{\"a\":\"\\q\"}", "unknown escape \\q at column 7 (in field 'a')"),
            Map.entry("{\"waited_ms\":\"\\u12\"}", "four hex digits"),
            Map.entry(
                "{\"waited_ms\":01}", "cannot start with 0 at column 14 (in field 'waited_ms')"),
            Map.entry("{\"earlier\":tru}", "(in field 'earlier')"),
            Map.entry("{\"a\":1,}", "expected a field name"),
            Map.entry("{\"a\":\"x\ty\"}", "control character"),
            Map.entry("[\"a\"]", "expected a JSON object"));
    for (Map.Entry<String, String> line : bad.entrySet()) {
      Path log =
          Files.writeString(dir.resolve("bad.jsonl"), "{\"ok\":\"yes\"}\n" + line.getKey() + "\n");

      assertThatThrownBy(() -> AuditLogReader.read(log))
          .as(line.getKey())
          .hasMessageStartingWith(log + ":2: not an audit log line")
          .hasMessageContaining(line.getValue());
    }
  }

  @Test
  void aMissingLogOrAFolderIsSaidPlainly() {
    assertThatThrownBy(() -> AuditLogReader.read(dir.resolve("nope.jsonl")))
        .hasMessage(
            dir.resolve("nope.jsonl")
                + ": the audit log does not exist (working directory: "
                + Path.of("").toAbsolutePath()
                + ")");
    assertThatThrownBy(() -> AuditLogReader.read(dir))
        .hasMessageStartingWith(dir + ": this is a directory; give the path of an audit log");
  }
}
