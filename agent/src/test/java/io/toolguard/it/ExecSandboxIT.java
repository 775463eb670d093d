package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toolguard.it.app.SandboxApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processes a tool starts run in a Landlock sandbox built from its rule's grants (JDK 22+, a
 * kernel with Landlock): each hostile case first does its harm with {@code exec_sandbox: off}, then
 * is refused by the kernel; legitimate work goes on; the JVM and its other processes are not
 * confined.
 */
class ExecSandboxIT {

  @TempDir Path dir;

  private static final boolean SANDBOXED_JDK = Runtime.version().feature() >= 22;

  private ChildJvm child(String mode, String extra) throws Exception {
    Files.createDirectories(dir.resolve("box/data"));
    Files.createDirectories(dir.resolve("box/out"));
    Files.createDirectories(dir.resolve("outside"));
    Files.writeString(dir.resolve("box/data/x.txt"), "granted data");
    Files.writeString(dir.resolve("outside/secret.txt"), "the secret");
    Files.deleteIfExists(dir.resolve("outside/f.txt"));
    Files.deleteIfExists(dir.resolve("box/out/f.txt"));
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        exec_sandbox: %s
        tools:
          run:
            decision: allow
            files:
              read: ["data/**"]
              write: ["out/**"]
            exec: [cat, sh, sleep, bash]
        %s
        """
            .formatted(mode, extra));
    return ChildJvm.in(dir.resolve("box")).agent("policy=../policy.yaml,audit=../audit.jsonl");
  }

  @Test
  void withTheSandboxOffAToolsProcessesReachWhatItsGrantsDoNot() throws Exception {
    ChildJvm.Result result = child("\"off\"", "").app(SandboxApp.class, "files");

    assertThat(result.lines("cat "))
        .as(result.toString())
        .containsExactly(
            "cat granted: ran: exit 0: granted data",
            "cat /etc/passwd: ran: exit 0: root:x:0:0:root:/root:/bin/bash",
            "cat outside: ran: exit 0: the secret");
    assertThat(result.stdout()).contains("outside file: exists");
    assertThat(result.stderr()).contains("exec sandbox: off");
  }

  @Test
  void aToolsProcessesGetOnlyItsGrantsAndTheJvmStaysUnconfined() throws Exception {
    assumeTrue(SANDBOXED_JDK, "JDK 22+ only; ExecSandboxJdk17IT covers older JDKs");
    ChildJvm.Result result = child("kernel", "").app(SandboxApp.class, "files");

    assertThat(result.stdout().lines().toList())
        .as(result.toString())
        .containsSubsequence(
            "process reapers: 1, with no_new_privs 0",
            "cat granted: ran: exit 0: granted data",
            "cat /etc/passwd: ran: exit 1: cat: /etc/passwd: Permission denied",
            "cat outside: ran: exit 1: cat: ../outside/secret.txt: Permission denied",
            "sh writes outside: ran: exit 2: sh: 1: cannot create ../outside/f.txt: Permission"
                + " denied",
            "sh writes granted: ran: exit 0: ",
            "grandchild: ran: exit 0: cat: /etc/passwd: Permission denied",
            "outside file: absent",
            "granted file: exists",
            "outside tools, cat /etc/passwd: ran: exit 0: root:x:0:0:root:/root:/bin/bash",
            "java outside tools: read "
                + Files.readAllLines(Path.of("/etc/passwd")).size()
                + " lines");
    assertThat(Files.readString(dir.resolve("box/out/f.txt"))).isEqualTo("y\n");
    assertThat(result.stderr()).contains("exec sandbox: Landlock ABI").doesNotContain("WARNING");
    List<String> execLines =
        Files.readAllLines(dir.resolve("audit.jsonl")).stream()
            .filter(line -> line.contains("\"event\":\"exec\""))
            .toList();
    assertThat(execLines).isNotEmpty();
    assertThat(execLines.get(0)).contains("\"sandbox\":\"landlock abi ").contains("read data");
  }

  @Test
  void theJdksProcessReaperIsNeverConfinedThoughAToolsProcessCameFirst() throws Exception {
    assumeTrue(SANDBOXED_JDK, "JDK 22+ only");
    ChildJvm.Result result = child("kernel", "").app(SandboxApp.class, "reaper");

    assertThat(result.stdout().lines().toList())
        .as(result.toString())
        .containsSubsequence(
            "tool's cat outside: exit 1: cat: ../outside/secret.txt: Permission denied",
            "app's cat outside: exit 0: the secret",
            "reaped: exit 0; its cat outside: exit 0: the secret; java read 1" + " lines");
    // however many reapers the JDK made meanwhile, none runs with the sandbox's no_new_privs
    assertThat(result.lines("process reapers: "))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .endsWith(", with no_new_privs 0");
  }

  @Test
  void onAKernelWithNetworkRulesAToolsProcessesConnectOnlyToGrantedPorts() throws Exception {
    assumeTrue(SANDBOXED_JDK, "JDK 22+ only");
    int granted = ApprovalApi.freePort();
    int other = ApprovalApi.freePort();
    String net = "    net: {connect: [\"127.0.0.1:%d\"]}".formatted(granted);

    ChildJvm.Result open =
        child("\"off\"", net).app(SandboxApp.class, "net", "" + granted, "" + other);
    assertThat(open.lines("connect "))
        .as(open.toString())
        .containsExactly(
            "connect " + granted + ": ran: exit 0: connected",
            "connect " + other + ": ran: exit 0: connected");

    ChildJvm.Result confined =
        child("kernel", net).app(SandboxApp.class, "net", "" + granted, "" + other);
    assumeTrue(
        confined.stderr().contains("(files and TCP ports)"),
        "this kernel's Landlock has no network rules (ABI 4+, Linux 6.7+): " + confined.stderr());
    assertThat(confined.lines("connect "))
        .as(confined.toString())
        .hasSize(2)
        .first()
        .isEqualTo("connect " + granted + ": ran: exit 0: connected");
    assertThat(confined.lines("connect ").get(1))
        .startsWith("connect " + other + ": ran: exit 1: ")
        .contains("Permission denied");
  }

  @Test
  void requiredRefusesAProcessWhereTheJvmCannotConfineIt() throws Exception {
    ChildJvm jvm = child("required", "");
    if (SANDBOXED_JDK) {
      // JDK 22+: a JVM that denies native access to class-path code cannot confine a process
      jvm.jvmArg("--illegal-native-access=deny");
    }
    ChildJvm.Result result = jvm.app(SandboxApp.class, "one", "data/x.txt");

    assertThat(result.lines("in tool: "))
        .as(result.toString())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith(
            "in tool: denied: Tool 'run' may not run 'cat data/x.txt': it must run in a kernel"
                + " sandbox (exec_sandbox: required), and ")
        .contains(
            SANDBOXED_JDK
                ? "--illegal-native-access=deny and no native access for class-path code; add"
                    + " --enable-native-access=ALL-UNNAMED"
                : "JDK " + Runtime.version().feature() + " has no foreign function API");
    assertThat(result.stderr())
        .contains(
            "exec sandbox: unavailable",
            "and those of tools whose rule requires it (exec_sandbox: required) do not start");
  }

  @Test
  void requiredStartsConfinedProcessesWhereTheJvmCan() throws Exception {
    assumeTrue(SANDBOXED_JDK, "JDK 22+ only");
    ChildJvm.Result result =
        child("required", "")
            .jvmArg("--illegal-native-access=deny")
            .jvmArg("--enable-native-access=ALL-UNNAMED")
            .app(SandboxApp.class, "one", "/etc/passwd");

    assertThat(result.lines("in tool: "))
        .as(result.toString())
        .containsExactly("in tool: ran: exit 1: cat: /etc/passwd: Permission denied");
  }

  @Test
  void onAnOlderJdkProcessesStartAsBeforeAndStartUpSaysSo() throws Exception {
    assumeTrue(!SANDBOXED_JDK, "JDK 17 to 21 only");
    ChildJvm.Result result = child("kernel", "").app(SandboxApp.class, "one", "/etc/passwd");

    assertThat(result.lines("in tool: "))
        .as(result.toString())
        .containsExactly("in tool: ran: exit 0: root:x:0:0:root:/root:/bin/bash");
    assertThat(result.stderr())
        .contains(
            "toolguard: exec sandbox: unavailable (JDK "
                + Runtime.version().feature()
                + " has no foreign function API (JDK 22+ has)); processes tools start run with the"
                + " JVM's rights");
  }

  @Test
  void aToolCannotHandTheJdksForkACommandOfItsOwn() throws Exception {
    ChildJvm.Result result = child("kernel", "").app(SandboxApp.class, "forge");

    assertThat(result.lines("forged "))
        .as(result.toString())
        .containsExactly(
            "forged fork: failed: java.lang.SecurityException: toolguard refused a fork that no"
                + " process start of this tool decided; start processes with ProcessBuilder or"
                + " Runtime.exec",
            "forged file: absent");
  }

  @Test
  void aFolderSwappedForALinkOutsideCannotRedirectAConfinedProcessesOpens() throws Exception {
    Files.createDirectories(dir.resolve("box/data/sub"));
    Files.createDirectories(dir.resolve("outside/sub"));
    Files.writeString(dir.resolve("box/data/sub/secret.txt"), "inside");
    Files.writeString(dir.resolve("outside/sub/secret.txt"), "the secret");

    ChildJvm.Result open = child("\"off\"", "").app(SandboxApp.class, "race");
    assertThat(open.lines("race: "))
        .as(open.toString())
        .containsExactly("race: ran: outside reads some, inside reads some");

    assumeTrue(SANDBOXED_JDK, "JDK 22+ only");
    ChildJvm.Result confined = child("kernel", "").app(SandboxApp.class, "race");
    assertThat(confined.lines("race: "))
        .as(confined.toString())
        .containsExactly("race: ran: outside reads none, inside reads some");
  }
}
