package io.toolguard.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.policy.ExecSandbox;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.SandboxMode;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.read.PolicyException;
import io.toolguard.agent.policy.read.PolicyParser;
import io.toolguard.bootstrap.KernelSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a rule's grants become the Landlock ruleset of the processes its tool starts. */
class RulesetPlannerTest {

  @TempDir Path dir;
  Path box;

  @BeforeEach
  void folders() throws Exception {
    box = Files.createDirectories(dir.resolve("box")).toRealPath();
    Files.createDirectories(box.resolve("data/secret"));
    Files.createDirectories(box.resolve("out"));
    Files.createDirectories(box.resolve("docs"));
    Files.writeString(box.resolve("notes.txt"), "n");
    Files.createSymbolicLink(box.resolve("linked"), dir);
  }

  private Policy policy(String rules) throws PolicyException {
    return PolicyParser.parse(
        "policy.yaml",
        dir,
        """
        version: 1
        sandbox: box
        tools:
          run:
            decision: allow
            exec: [cat]
        """
            + rules);
  }

  private RulesetPlanner.Plan plan(String rules, int abi) throws Exception {
    ToolRule rule = policy(rules).tools().get(0);
    return new RulesetPlanner(box, ExecSandbox.DEFAULT, Path.of("/opt/jdk"), List.of())
        .plan(rule.files(), rule.net(), Optional.of(Path.of("/usr/bin/cat")), abi);
  }

  /**
   * {@return the plan of the first rule of {@code rules}, for a process whose program is not known,
   * with toolguard's own files and those it knows by how their names begin}
   */
  private RulesetPlanner.Plan planOwning(String rules, List<Path> ownFiles, List<Path> ownPrefixes)
      throws Exception {
    ToolRule rule = policy(rules).tools().get(0);
    return new RulesetPlanner(box, ExecSandbox.DEFAULT, Path.of("/opt/jdk"), ownFiles, ownPrefixes)
        .plan(rule.files(), rule.net(), Optional.empty(), 7);
  }

  private static Map<String, Long> rules(RulesetPlanner.Plan plan) {
    return plan.layer().paths().stream()
        .collect(Collectors.toMap(KernelSandbox.PathRule::path, KernelSandbox.PathRule::access));
  }

  @Test
  void foldersAndFilesBecomeRulesWithTheRightsOfTheirGrant() throws Exception {
    RulesetPlanner.Plan plan =
        plan(
            """
                files:
                  read: ["data/**", "notes.txt"]
                  write: ["out/**"]
                  delete: ["out/**"]
            """,
            7);

    Map<String, Long> rules = rules(plan);
    assertThat(rules.get(box.resolve("data").toString())).isEqualTo(RulesetPlanner.READ);
    assertThat(rules.get(box.resolve("notes.txt").toString())).isEqualTo(RulesetPlanner.READ);
    assertThat(rules.get(box.resolve("out").toString()))
        .isEqualTo(RulesetPlanner.WRITE | RulesetPlanner.DELETE);
    assertThat(rules.get("/usr")).isEqualTo(RulesetPlanner.SYSTEM);
    assertThat(rules.get("/dev/null")).isEqualTo(RulesetPlanner.DEVICE);
    assertThat(rules).doesNotContainKeys("/etc", "/etc/passwd", box.toString());
    assertThat(plan.notHanded()).isEmpty();
    assertThat(plan.summary()).startsWith("read data notes.txt; write out; delete out; system ");
    assertThat(plan.layer().scoped()).isEqualTo(3);
  }

  @Test
  void whatAnOlderKernelDoesNotKnowIsNeitherHandledNorGranted() throws Exception {
    RulesetPlanner.Plan plan = plan("    files: {write: [\"out/**\"]}\n", 1);

    assertThat(plan.layer().handledFiles() & RulesetPlanner.REFER).isZero();
    assertThat(plan.layer().handledFiles() & RulesetPlanner.TRUNCATE).isZero();
    assertThat(rules(plan).get(box.resolve("out").toString()) & ~plan.layer().handledFiles())
        .isZero();
    assertThat(plan.layer().handledNet()).isZero();
    assertThat(plan.layer().scoped()).isZero();
    assertThat(plan.summary()).contains("network not confined (Landlock ABI 1 < 4)");
  }

  @Test
  void globsThatNameOnlyPartOfAFolderAreNotHandedUnlessAnotherGrantCoversIt() throws Exception {
    RulesetPlanner.Plan plan =
        plan(
            """
                files:
                  read: ["docs/*.md", "data/**", "data/*.csv"]
            """,
            7);

    assertThat(rules(plan)).containsKey(box.resolve("data").toString());
    assertThat(rules(plan)).doesNotContainKey(box.resolve("docs").toString());
    assertThat(plan.notHanded())
        .containsExactly(
            "read glob \"docs/*.md\": it matches only some of what is in "
                + box.resolve("docs")
                + ", and the kernel grants whole folders; grant \"docs/**\" or name the files");
  }

  @Test
  void folderRulesNeverReachPastAsksLinksOrToolguardsOwnFiles() throws Exception {
    RulesetPlanner.Plan plan =
        planOwning(
            """
                files:
                  read: ["data/**", "linked/**", "out/**", "docs", "missing/**"]
                  ask: {read: ["data/secret/**"]}
            """,
            List.of(box.resolve("out/audit.log")),
            List.of());

    assertThat(plan.notHanded())
        .containsExactly(
            "read glob \"data/**\": a person must approve reads of \"data/secret/**\" first, and"
                + " the kernel cannot ask",
            "read glob \"linked/**\": "
                + box.resolve("linked")
                + " leads through a link (to "
                + dir.toRealPath()
                + "), and the kernel would grant where the link leads",
            "read glob \"out/**\": it holds toolguard's own file "
                + box.resolve("out/audit.log")
                + ", which no tool may touch",
            "read glob \"docs\": it names the folder "
                + box.resolve("docs")
                + " itself, and a kernel rule on a folder grants everything below it; grant"
                + " \"docs/**\" to hand the folder to processes",
            "read glob \"missing/**\": "
                + box.resolve("missing")
                + " does not exist when the"
                + " process starts");
    assertThat(rules(plan).keySet()).noneMatch(path -> path.startsWith(box.toString()));
  }

  @Test
  void noRuleReachesTheWovenJdkFilesBesideTheAgentJar() throws Exception {
    Path agent = java.nio.file.Files.createDirectories(box.resolve("agent"));
    java.nio.file.Files.writeString(agent.resolve("toolguard-agent.jar.woven-jdk-70414422"), "k");
    java.nio.file.Files.writeString(agent.resolve("other.jar"), "o");
    RulesetPlanner.Plan plan =
        planOwning(
            """
                files:
                  write: ["agent/toolguard-agent.jar.woven-jdk-70414422", "agent/other.jar"]
                  read: ["agent/**"]
            """,
            List.of(),
            List.of(agent.resolve("toolguard-agent.jar.woven-jdk-")));

    assertThat(plan.notHanded())
        .hasSize(2)
        .allSatisfy(why -> assertThat(why).contains("toolguard's own files"));
    assertThat(rules(plan).keySet())
        .filteredOn(path -> path.startsWith(box.toString()))
        .containsExactly(agent.resolve("other.jar").toString());
  }

  @Test
  void portsBecomeTcpRulesAndAnyPortLeavesTheNetworkOpen() throws Exception {
    RulesetPlanner.Plan plan =
        plan(
            """
                net:
                  connect: ["api.example.com:443", "127.0.0.1:8000-8001", "db:5432"]
                  ask: {connect: ["other.example.com:5432"]}
                  listen: ["*:*"]
            """,
            4);

    assertThat(plan.layer().handledNet()).isEqualTo(RulesetPlanner.CONNECT_TCP);
    assertThat(plan.layer().ports())
        .extracting(KernelSandbox.PortRule::port)
        .containsExactly(443L, 8000L, 8001L);
    assertThat(plan.summary()).contains("connect tcp 443 8000 8001; bind tcp any");
    assertThat(plan.notHanded())
        .containsExactly(
            "connect port 5432: a person must approve \"other.example.com:5432\" first, and the"
                + " kernel cannot ask");
  }

  @Test
  void validateNamesEachGrantProcessesDoNotGet() throws Exception {
    Policy policy =
        policy(
            """
                files: {read: ["docs/*.md"]}
              quiet:
                decision: allow
                exec_sandbox: "off"
                exec: [cat]
                files: {read: ["docs/*.md"]}
            """);

    assertThat(RulesetPlanner.notHanded(policy)).hasSize(1).containsOnlyKeys(policy.tools().get(0));
    assertThat(policy.tools().get(1).grants().execSandbox()).contains(SandboxMode.OFF);
  }

  @Test
  void thePolicySetsTheModeAndTheSystemFolders() throws Exception {
    Policy policy =
        PolicyParser.parse(
            "policy.yaml",
            dir,
            """
            version: 1
            sandbox: box
            exec_sandbox: {mode: required, system_read: [default, /opt/tools]}
            tools: {}
            """);

    assertThat(policy.execSandbox())
        .isEqualTo(new ExecSandbox(SandboxMode.REQUIRED, true, List.of(Path.of("/opt/tools"))));
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "policy.yaml",
                    dir,
                    "version: 1\nsandbox: box\nexec_sandbox: {system_read: [opt]}\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("'opt' in 'system_read' must be an absolute path");
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "policy.yaml", dir, "version: 1\nsandbox: box\nexec_sandbox: strict\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("'exec_sandbox' must be kernel, off or required");
  }
}
