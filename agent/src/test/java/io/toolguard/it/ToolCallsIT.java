package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JVM with the built agent: what the policy allows runs, what it denies never does, and
 * every call is logged.
 */
class ToolCallsIT {

  static final String POLICY =
      """
      version: 1
      sandbox: .
      tools:
        lookup:
          decision: allow
          files:
            write: ["markers/**"]
        wipe:
          decision: deny
        rename:
          decision: allow
          files:
            write: ["markers/**"]
        transfer:
          decision: allow
          files:
            write: ["markers/**"]
        hidden_helper:
          decision: allow
          files:
            write: ["markers/**"]
        outer:
          decision: allow
          files:
            write: ["markers/**"]
        failing:
          decision: allow
          files:
            write: ["markers/**"]
      """;

  @TempDir Path dir;

  @Test
  void allowedToolsRunAndDeniedToolsNeverDo() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .containsExactly(
            "lookup: ran",
            "wipe: denied: Tool 'wipe' was denied by toolguard: denied by policy rule 'wipe' [rule policy.yaml:8]",
            "rename: ran",
            "transfer: denied: Tool 'transfer' was denied by toolguard: approval required, but no approval channel is on (set 'approval:' in the policy), so it is denied"
                + " [rule policy.yaml:14]",
            "unlisted: denied: Tool 'unlisted' was denied by toolguard: no policy rule names this tool;"
                + " unlisted tools are denied [rule policy.yaml (default unlisted_tools: deny)]",
            "hidden_helper: ran",
            "outer: ran",
            "failing: failed: the tool itself failed",
            "lookup: ran");
    assertThat(dir.resolve("markers/lookup")).exists();
    assertThat(dir.resolve("markers/hidden_helper")).exists();
    assertThat(dir.resolve("markers/wipe")).doesNotExist();
    assertThat(dir.resolve("markers/transfer")).doesNotExist();
    assertThat(dir.resolve("markers/unlisted")).doesNotExist();
    assertThat(result.stderr())
        .containsPattern(
            "toolguard \\S+: policy policy.yaml \\(7 tool rules, sha256 [0-9a-f]{12}\\),"
                + " mode enforce, sandbox "
                + dir.toRealPath().toString().replace(".", "\\.")
                + ", audit log ");
  }

  @Test
  void aMethodImplementingOrOverridingAToolIsGuardedAsThatTool() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: .
        tools:
          file_report:
            decision: allow
            files:
              write: ["markers/**"]
          shred:
            decision: allow
            files:
              write: ["markers/**"]
          burn:
            decision: deny
        """);

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "inherited");

    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "file_report: ran",
            "shred: ran: twice: shred ran",
            "burn: denied: Tool 'burn' was denied by toolguard: denied by policy rule 'burn' [rule policy.yaml:12]");
    assertThat(dir.resolve("markers/burn")).doesNotExist();
    // The override and the method it calls with super are one call of the tool, decided once.
    assertThat(AuditLines.calls(dir.resolve("toolguard-audit.jsonl")))
        .extracting(
            line ->
                line.get("tool")
                    + " "
                    + line.get("decision")
                    + " "
                    + line.get("method").replaceAll(".*\\$", ""))
        .containsExactly(
            "file_report allow io.toolguard.it.app.FilingClerk#file",
            "shred allow io.toolguard.it.app.ShreddingClerk#shred",
            "burn deny io.toolguard.it.app.FilingClerk#burn");
  }

  @Test
  void annotationsThePolicyListsOrThatStandForSpringAisToolMarkTools() throws Exception {
    String policy =
        """
        version: 1
        sandbox: .
        tool_annotations: [io.toolguard.it.app.AgentAction]
        tools:
          archive:
            decision: deny
          summarise:
            decision: deny
        """;
    Files.writeString(dir.resolve("policy.yaml"), policy);
    Files.writeString(
        dir.resolve("unlisted.yaml"),
        policy.replace("tool_annotations: [io.toolguard.it.app.AgentAction]\n", ""));

    ChildJvm.Result listed =
        ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "custom");
    ChildJvm.Result unlisted =
        ChildJvm.in(dir).agent("policy=unlisted.yaml").toolApp("markers", "custom");

    assertThat(listed.stdout().lines())
        .as(listed.toString())
        .containsExactly(
            "archive: denied: Tool 'archive' was denied by toolguard: denied by policy rule 'archive' [rule policy.yaml:5]",
            "summarise: denied: Tool 'summarise' was denied by toolguard: denied by policy rule 'summarise' [rule policy.yaml:7]");
    assertThat(unlisted.stdout().lines())
        .as(unlisted.toString())
        .containsExactly(
            "archive: ran",
            "summarise: denied: Tool 'summarise' was denied by toolguard: denied by policy rule 'summarise' [rule unlisted.yaml:6]");
  }

  @Test
  void anAnnotationStandingForSpringAisToolMarksToolsWhateverItsNameAndHowDeep() throws Exception {
    // The class and the interface it implements name no tool annotation in their bytes: only
    // the annotation types, read for their own annotations, tell that their methods are tools.
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: .
        tools:
          brief:
            decision: deny
          digest:
            decision: deny
          recap:
            decision: deny
        """);

    ChildJvm.Result plain = ChildJvm.in(dir).toolApp("markers", "briefings");
    ChildJvm.Result guarded =
        ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "briefings");

    assertThat(plain.stdout().lines())
        .as("without the agent every one runs: " + plain)
        .containsExactly("brief: ran", "digest: ran", "recap: ran");
    assertThat(guarded.stdout().lines())
        .as(guarded.toString())
        .containsExactly(
            "brief: denied: Tool 'brief' was denied by toolguard: denied by policy rule 'brief' [rule policy.yaml:4]",
            "digest: denied: Tool 'digest' was denied by toolguard: denied by policy rule 'digest' [rule policy.yaml:6]",
            "recap: denied: Tool 'recap' was denied by toolguard: denied by policy rule 'recap' [rule policy.yaml:8]");
  }

  @Test
  void everyDecisionIsOneAuditLine() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=logs/audit.jsonl")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<Map<String, String>> lines = AuditLines.calls(dir.resolve("logs/audit.jsonl"));
    assertThat(lines)
        .extracting(line -> line.get("tool") + " " + line.get("risk") + " " + line.get("decision"))
        .containsExactly(
            "lookup LOW allow",
            "wipe LOW deny",
            "rename MEDIUM allow",
            "transfer HIGH deny",
            "unlisted LOW deny",
            "hidden_helper LOW allow",
            "outer LOW allow",
            "lookup LOW allow",
            "failing LOW allow",
            "lookup LOW allow");
    Map<String, String> wipe = lines.get(1);
    assertThat(wipe)
        .containsEntry("method", "io.toolguard.it.app.GuardedTools#wipe")
        .containsEntry("rule", "policy.yaml:8")
        .containsEntry("reason", "denied by policy rule 'wipe'")
        .containsEntry("args", "target=\\\"/\\\"")
        .containsEntry("thread", "main");
    assertThat(wipe.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z");
    assertThat(lines.get(3))
        .containsEntry(
            "reason",
            "approval required, but no approval channel is on (set 'approval:' in the policy), so it is denied");
    assertThat(lines)
        .extracting(line -> line.get("call_id"))
        .doesNotHaveDuplicates()
        .doesNotContainNull();
  }

  @Test
  void aNestedToolRunsInsideItsCallersContextAndTheContextEndsWithTheTool() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<Map<String, String>> lines = AuditLines.calls(dir.resolve("toolguard-audit.jsonl"));
    Map<String, String> outer = lines.get(6);
    Map<String, String> nested = lines.get(7);
    assertThat(outer).containsEntry("tool", "outer").containsEntry("parent_call_id", null);
    assertThat(nested)
        .containsEntry("tool", "lookup")
        .containsEntry("parent_call_id", outer.get("call_id"));
    // After a tool that threw, the next call starts outside any tool again.
    assertThat(lines.get(9)).containsEntry("tool", "lookup").containsEntry("parent_call_id", null);
  }

  @Test
  void aRecursiveToolAndOneThatCatchesEveryThrowableEnterAndLeaveTheirContextsExactly(
      @TempDir Path elsewhere) throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: .
        tools:
          countdown:
            decision: allow
            files:
              write: ["markers/**"]
          swallow:
            decision: allow
            files:
              write: ["markers/**"]
        """);
    Path outside = elsewhere.resolve("outside.txt");

    // Without the agent the tool writes the file it has no grant for.
    ChildJvm.Result plain = ChildJvm.in(dir).toolApp("markers", "shapes", outside.toString());
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    assertThat(plain.stdout()).contains("swallow: ran: written;written;");
    Files.delete(outside);

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml")
            .toolApp("markers", "shapes", outside.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .contains(
            "countdown: ran: 2,1,0",
            // both writes denied: catching the first denial did not end the tool's context
            "swallow: ran: caught SecurityException;caught SecurityException;",
            // and the tool's end did: the application's own write after it is not checked
            "application: written by the application");
    // A tool calling itself is part of the call already decided: one line; and every level's exit
    // left its frame, so the next tool starts outside any tool.
    List<Map<String, String>> lines = AuditLines.calls(dir.resolve("toolguard-audit.jsonl"));
    assertThat(lines).extracting(line -> line.get("tool")).containsExactly("countdown", "swallow");
    assertThat(lines).allSatisfy(line -> assertThat(line).containsEntry("parent_call_id", null));
    assertThat(dir.resolve("markers/countdown-0")).exists();
  }

  @Test
  void noAuditLineIsLostWhenTheApplicationCallsSystemExit() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "exit-right-after-call");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(AuditLines.calls(dir.resolve("toolguard-audit.jsonl")))
        .extracting(line -> line.get("tool") + " " + line.get("decision"))
        .containsExactly("lookup allow", "wipe deny");
  }

  @Test
  void concurrentCallsAreEachDecidedAndLoggedOnce() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "concurrent", "8", "250");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("concurrent: ran 2000, denied 2000");
    List<Map<String, String>> lines = AuditLines.calls(dir.resolve("toolguard-audit.jsonl"));
    assertThat(lines).hasSize(4000);
    assertThat(lines)
        .filteredOn(line -> "deny".equals(line.get("decision")))
        .hasSize(2000)
        .allMatch(line -> "wipe".equals(line.get("tool")));
    assertThat(lines).extracting(line -> line.get("call_id")).doesNotHaveDuplicates();
  }

  @Test
  void whenAnAuditLineCannotBeWrittenTheCallIsDeniedEvenInAuditMode() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    // Every write to /dev/full fails with "no space left on device".
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,mode=audit,audit=/dev/full")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .filteredOn(line -> !line.startsWith("failing"))
        .isNotEmpty()
        .allMatch(
            line -> line.endsWith("the audit log cannot be written, and nothing runs unrecorded"));
    assertThat(result.stderr()).contains("toolguard: ERROR: cannot write the audit log /dev/full");
    assertThat(dir.resolve("markers")).doesNotExist();
  }
}
