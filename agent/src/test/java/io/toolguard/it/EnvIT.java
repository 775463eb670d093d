package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.EnvApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool reads only the environment variables and system properties its grant names; the rest look
 * unset.
 */
class EnvIT {

  @TempDir Path dir;

  private ChildJvm.Result run(String mode) throws Exception {
    return run(mode, true);
  }

  private ChildJvm.Result run(String mode, boolean withAgent) throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: .
        mode: %s
        tools:
          env:
            decision: allow
            exec: [printenv]
            env:
              variables: ["TG_VISIBLE", "TG_PREFIX_*"]
              properties: ["tg.visible"]
        """
            .formatted(mode));
    ChildJvm child = ChildJvm.in(dir);
    if (withAgent) {
      child.agent("policy=policy.yaml,audit=audit.jsonl");
    }
    return child
        .env("TG_VISIBLE", "yes")
        .env("TG_SECRET", "s3cret")
        .env("TG_PREFIX_A", "a")
        .jvmArg("-Dtg.visible=1")
        .jvmArg("-Dtg.secret=2")
        .jvmArg("-Dtg.flag=true")
        .app(EnvApp.class);
  }

  @Test
  void whatTheGrantDoesNotNameLooksUnsetToTheToolByEveryRoute() throws Exception {
    ChildJvm.Result result = run("enforce");

    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "getenv granted: ran: yes",
            "getenv by pattern: ran: a",
            "getenv not granted: ran: null",
            "getenv map: ran: yes false",
            "getProperty granted: ran: 1",
            "getProperty not granted: ran: null",
            "getProperty with default: ran: default",
            "Integer.getInteger: ran: null",
            "Long.getLong: ran: null",
            "Boolean.getBoolean: ran: false",
            "getProperties: ran: 1 null",
            "ProcessBuilder.environment: ran: [TG_PREFIX_A, TG_VISIBLE]",
            "child process: ran: [TG_PREFIX_A=a, TG_VISIBLE=yes]",
            "the JDK reads its own settings: ran: true",
            "the platform's standard properties: ran: 1 false null",
            "outside a tool: ran: s3cret 2 2 true");
    List<Map<String, String>> env =
        AuditLines.read(dir.resolve("audit.jsonl")).stream()
            .filter(line -> "env".equals(line.get("event")))
            .toList();
    assertThat(env)
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("kind", "variable")
                    .containsEntry("name", "TG_SECRET")
                    .containsEntry("decision", "deny"));
    assertThat(env)
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("kind", "property")
                    .containsEntry("name", "tg.secret")
                    .containsEntry("decision", "deny"));
    assertThat(env)
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("kind", "property")
                    .containsEntry("name", "tg.flag")
                    .containsEntry("decision", "deny"));
    assertThat(env).allSatisfy(line -> assertThat(line.get("decision")).isEqualTo("deny"));
  }

  @Test
  void withoutTheAgentTheToolReadsEveryVariableAndPropertyByEveryRoute() throws Exception {
    ChildJvm.Result result = run("enforce", false);

    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "getenv granted: ran: yes",
            "getenv by pattern: ran: a",
            "getenv not granted: ran: s3cret",
            "getenv map: ran: yes true",
            "getProperty granted: ran: 1",
            "getProperty not granted: ran: 2",
            "getProperty with default: ran: 2",
            "Integer.getInteger: ran: 2",
            "Long.getLong: ran: 2",
            "Boolean.getBoolean: ran: true",
            "getProperties: ran: 1 2",
            "ProcessBuilder.environment: ran: [TG_PREFIX_A, TG_SECRET, TG_VISIBLE]",
            "child process: ran: [TG_PREFIX_A=a, TG_SECRET=s3cret, TG_VISIBLE=yes]",
            "the JDK reads its own settings: ran: true",
            "the platform's standard properties: ran: 1 false " + EnvApp.class.getName(),
            "outside a tool: ran: s3cret 2 2 true");
  }

  @Test
  void auditModeLetsTheToolReadEverythingAndLogsWhatItWouldHaveHidden() throws Exception {
    ChildJvm.Result result = run("audit");

    assertThat(result.stdout())
        .as(result.toString())
        .contains("getenv not granted: ran: s3cret", "getProperty not granted: ran: 2");
    assertThat(AuditLines.read(dir.resolve("audit.jsonl")))
        .filteredOn(line -> "env".equals(line.get("event")))
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("name", "TG_SECRET")
                    .containsEntry("decision", "would-deny"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsEntry("name", "TG_VISIBLE")
                    .containsEntry("decision", "allow"));
  }
}
