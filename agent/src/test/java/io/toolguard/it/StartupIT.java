package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.weave.WovenJdkCache;
import io.toolguard.agent.weave.WovenJdkFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the agent finds its policy, and how it refuses to start the JVM without a valid one. */
class StartupIT {

  static final int REFUSED = 78;

  @TempDir Path dir;

  @Test
  void anInvalidPolicyStopsTheJvmNamingFileLineAndColumn() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: .
        tools:
          lookup:
            decision: allow
            files:
              write: ["markers/**"]
            rsk: LOW
        """);

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .contains(
            "toolguard: the policy is invalid, so the JVM is not started:",
            "policy.yaml:8:5: unknown key 'rsk' in tool rule 'lookup' (did you mean 'risk'?); expected one of: decision, risk, files");
    assertThat(result.stdout()).isEmpty();
    assertThat(dir.resolve("markers")).doesNotExist();
  }

  /**
   * The page listens after {@code premain}, so an address it cannot listen on no longer stops the
   * JVM: it says so once on stderr, and every call only the page could have asked about is denied,
   * audited with the reason, never run.
   */
  @Test
  void anApprovalPageThatCannotListenDeniesWhatItWouldAsk() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Files.writeString(
          dir.resolve("policy.yaml"),
          ApprovalPolicy.of(
              "timeout: 20s\nweb: {port: " + taken.getLocalPort() + ", token_file: page.token}\n",
              ""));

      ChildJvm.Result result =
          ChildJvm.in(dir)
              .agent("policy=policy.yaml,audit=audit.jsonl")
              .app(io.toolguard.it.app.ApprovalApp.class, "markers", "one");

      assertThat(result.exitCode()).as(result.toString()).isZero();
      String refusal =
          "the approval web page cannot start on 127.0.0.1:"
              + taken.getLocalPort()
              + " (Address already in use); choose another 'port' under approval.web, or 0 for"
              + " any free port";
      assertThat(result.stderr())
          .contains(
              "toolguard: "
                  + refusal
                  + "; every call that needs a person on the page is denied until the JVM is"
                  + " restarted")
          .doesNotContain("approve calls at");
      assertThat(result.stdout())
          .contains("one: denied: ")
          .contains("nobody could be asked: " + refusal);
      assertThat(dir.resolve("markers")).doesNotExist();
      assertThat(dir.resolve("page.token")).doesNotExist();
      assertThat(
              AuditLines.read(dir.resolve("audit.jsonl")).stream()
                  .filter(line -> "approval".equals(line.get("event")))
                  .filter(line -> "deny".equals(line.get("status")))
                  .toList())
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .containsEntry("tool", "transfer")
                      .containsEntry("by", "toolguard (the approval web page did not start)")
                      .containsEntry("channel", "web")
                      .containsEntry("message", "nobody could be asked: " + refusal));
    }
  }

  /**
   * The token file is written once the page listens, when tools may run: a folder missing at
   * start-up, which a tool could make as a link, stops the JVM, as writing into it did before.
   */
  @Test
  void aTokenFileWhoseFolderIsMissingStopsTheJvm() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nsandbox: .\napproval:\n  web: {port: 0, token_file: missing/page.token}\n");

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .contains(
            "toolguard: approval.web: the token file's folder ",
            "missing does not exist; create it or choose another 'token_file'");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void aWebhookWhoseSecretIsNotSetStopsTheJvm() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nsandbox: .\napproval:\n  web: {}\n  webhook:\n"
            + "    url: https://hooks.example.com/toolguard\n    secret_env: TOOLGUARD_TEST_UNSET_SECRET\n");

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .contains(
            "toolguard: approval.webhook: $TOOLGUARD_TEST_UNSET_SECRET is not set; set it to the webhook's shared secret");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void malformedYamlStopsTheJvm() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "version: 1\nsandbox: [unclosed\n");

    ChildJvm.Result result = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr()).containsPattern("policy\\.yaml:\\d+:\\d+: not valid YAML");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void noPolicyAtAllStopsTheJvm() throws Exception {
    ChildJvm.Result result = ChildJvm.in(dir).agent("").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr()).contains("toolguard: no policy given", "TOOLGUARD_POLICY");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void aMissingPolicyFileStopsTheJvm() throws Exception {
    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=missing.yaml").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr()).contains("missing.yaml:1:1: the policy file does not exist");
  }

  @Test
  void anUnknownAgentOptionStopsTheJvm() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml,mdoe=audit").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr()).contains("unknown agent option 'mdoe'");
  }

  @Test
  void anAuditLogThatCannotBeWrittenStopsTheJvm() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    Files.writeString(dir.resolve("not-a-folder"), "a file");

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=not-a-folder/audit.jsonl")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr()).contains("toolguard: cannot write the audit log");
  }

  @Test
  void aJdkClassThatCannotBeWovenStopsTheJvmWithOneMessage() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    Path breaking = classBreakingAgent();

    // Without toolguard, the broken class is never loaded and the application runs.
    ChildJvm.Result alone =
        ChildJvm.in(dir).jvmArg("-javaagent:" + breaking).toolApp("markers", "all");
    assertThat(alone.exitCode()).as(alone.toString()).isZero();
    assertThat(dir.resolve("markers")).exists();
    deleteRecursively(dir.resolve("markers"));

    // With it, the weaving (on a thread of its own) meets the class and the start is refused: at
    // a first start, where no file beside the jar holds the JDK as woven, every hooked class is
    // loaded before main.
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jvmArg("-javaagent:" + breaking)
            .jvmArg("-D" + WovenJdkCache.SWITCH + "=off")
            .agent("policy=policy.yaml")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .contains(
            "toolguard: toolguard could not weave its checks into this JDK",
            "java/net/ServerSocket: java.lang.ClassFormatError",
            "Tools would go unchecked, so the JVM is not started");
    assertThat(
            result
                .stderr()
                .lines()
                .filter(line -> line.startsWith("toolguard") && !line.contains("warning")))
        .as("one refusal, from premain: %s", result)
        .hasSize(1);
    assertThat(result.stdout()).isEmpty();
    assertThat(dir.resolve("markers")).doesNotExist();
  }

  @Test
  void aJdkClassLeftForLaterThatCannotBeWovenRefusesEveryToolCallAndSaysSo() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    Path breaking = classBreakingAgent();
    // A jar of its own, whose first start keeps the JDK as woven beside it: at the next start,
    // ServerSocket (which nothing loads before main) is left for later.
    Path jar = jarKeepingTheJdk("java/net/ServerSocket");

    // Given the broken class then, the start goes on, as it cannot tell before main; every tool
    // call is refused, naming why, and stderr says so.
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jvmArg("-javaagent:" + breaking)
            .jvmArg("-javaagent:" + jar + "=policy=policy.yaml")
            .toolApp("markers", "all");

    assertThat(result.stderr())
        .as(result.toString())
        .contains(
            "toolguard: toolguard could not weave its checks into this JDK",
            "java/net/ServerSocket: java.lang.ClassFormatError",
            "Tools would go unchecked, so every tool call is refused");
    assertEveryToolRefusedAsNotWoven(result);
  }

  @Test
  void aJdkClassThatCannotBeWovenBesideMainRefusesEveryToolCallAndSaysSoOnce() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    Path breaking = classBreakingAgent();
    // The first start weaves the JDK before main and keeps it beside the jar.
    Path jar = jarKeepingTheJdk("java/util/TimerThread");

    // The next start weaves it beside main, where TimerThread, which is always loaded and woven
    // then, cannot be: main runs on, every tool call is refused naming why, and stderr says it
    // once (the guards' thread), not as a refused start.
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jvmArg("-javaagent:" + breaking + "=java/util/TimerThread")
            .jvmArg("-javaagent:" + jar + "=policy=policy.yaml")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(
            result
                .stderr()
                .lines()
                .filter(line -> line.startsWith("toolguard: toolguard could not weave")))
        .as(result.toString())
        .singleElement()
        .asString()
        .contains(
            "java/util/TimerThread: java.lang.ClassFormatError",
            "Tools would go unchecked, so every tool call is refused");
    assertEveryToolRefusedAsNotWoven(result);
  }

  /** Every tool call of the tool application was refused, naming the weaving, and none ran. */
  private void assertEveryToolRefusedAsNotWoven(ChildJvm.Result result) {
    assertThat(result.stdout())
        .as(result.toString())
        .contains(
            "lookup: denied: Tool 'lookup' was denied by toolguard: toolguard could not weave its"
                + " checks into this JDK",
            "wipe: denied: Tool 'wipe' was denied by toolguard: toolguard could not weave its checks"
                + " into this JDK")
        .doesNotContain(": ran");
    assertThat(dir.resolve("markers")).doesNotExist();
  }

  /**
   * {@return a copy of the agent jar whose first start (a tool application's, checked) kept the JDK
   * as woven beside it, {@code held} among its classes}
   */
  private Path jarKeepingTheJdk(String held) throws IOException, InterruptedException {
    Path jar =
        startedCopy(Files.createDirectories(dir.resolve("own")).resolve("toolguard-agent.jar"));
    assertThat(WovenJdkFiles.classes(jar)).contains(held);
    return jar;
  }

  /**
   * {@return {@code jar}, a copy of the agent jar made there, once a tool application's start with
   * it has ended well}
   */
  private Path startedCopy(Path jar) throws IOException, InterruptedException {
    Files.copy(ChildJvm.AGENT_JAR, jar);
    ChildJvm.Result started =
        ChildJvm.in(dir)
            .jvmArg("-javaagent:" + jar + "=policy=policy.yaml")
            .toolApp("markers", "all");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    deleteRecursively(dir.resolve("markers"));
    return jar;
  }

  private Path classBreakingAgent() throws IOException {
    return ChildJvm.premainJar(
        dir.resolve("breaking-agent.jar"), io.toolguard.it.app.ClassBreakingAgent.class);
  }

  @Test
  void anAgentJarWhosePackedBootstrapClassesAreDamagedStopsTheJvm() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    // The same jar, but one byte of the packed Dispatcher changed, as a bad download might: the
    // bootstrap loader does not verify the classes it defines, so the agent must catch it first.
    Path damaged = dir.resolve("damaged-agent.jar");
    // The jar holds the package packed only; the build's classes are what was packed (AgentJarIT).
    byte[] dispatcher =
        Files.readAllBytes(
            ChildJvm.agentClasses().resolve("io/toolguard/bootstrap/Dispatcher.class"));
    copyDamaging(
        damaged,
        "META-INF/toolguard/bootstrap.packed",
        content -> {
          int at = indexOf(content, dispatcher) + dispatcher.length / 2;
          content[at] = (byte) (content[at] ^ 0x20);
        });

    // The copy as it was made, before the damage, starts: only the byte makes the difference.
    startedCopy(dir.resolve("intact-agent.jar"));

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jvmArg("-javaagent:" + damaged + "=policy=policy.yaml")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .contains(
            damaged
                + ": toolguard's packed bootstrap classes (META-INF/toolguard/bootstrap.packed)"
                + " cannot be used, io.toolguard.bootstrap.Dispatcher is not as it was packed;"
                + " the agent jar is damaged, download it again");
    assertThat(result.stdout()).isEmpty();
    assertThat(dir.resolve("markers")).doesNotExist();
  }

  @Test
  void anAgentJarWhosePackedAgentClassesAreDamagedStopsTheJvm() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);
    Path damaged = dir.resolve("damaged-agent.jar");
    copyDamaging(damaged, "META-INF/toolguard/agent.packed", content -> content[0] ^= 1);

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jvmArg("-javaagent:" + damaged + "=policy=policy.yaml")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .isEqualTo(
            "toolguard: "
                + damaged
                + ": toolguard's own classes cannot be loaded from it, META-INF/toolguard/"
                + "agent.packed is not toolguard's; the agent jar is damaged, download it again,"
                + " so the JVM is not started\n");
    assertThat(result.stdout()).isEmpty();
    assertThat(dir.resolve("markers")).doesNotExist();
  }

  /**
   * Copies the agent jar to {@code damaged}, every entry as it was (stored ones stored), but the
   * one named {@code entryName}, changed by {@code damage}.
   */
  private static void copyDamaging(
      Path damaged, String entryName, java.util.function.Consumer<byte[]> damage)
      throws IOException {
    try (java.util.zip.ZipFile from = new java.util.zip.ZipFile(ChildJvm.AGENT_JAR.toFile());
        java.util.zip.ZipOutputStream to =
            new java.util.zip.ZipOutputStream(Files.newOutputStream(damaged))) {
      for (java.util.zip.ZipEntry entry : java.util.Collections.list(from.entries())) {
        byte[] content;
        try (java.io.InputStream in = from.getInputStream(entry)) {
          content = in.readAllBytes();
        }
        if (entry.getName().equals(entryName)) {
          damage.accept(content);
        }
        java.util.zip.ZipEntry copy = new java.util.zip.ZipEntry(entry.getName());
        if (entry.getMethod() == java.util.zip.ZipEntry.STORED) {
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(content);
          copy.setMethod(java.util.zip.ZipEntry.STORED);
          copy.setSize(content.length);
          copy.setCompressedSize(content.length);
          copy.setCrc(crc.getValue());
        }
        to.putNextEntry(copy);
        to.write(content);
        to.closeEntry();
      }
    }
  }

  private static int indexOf(byte[] in, byte[] part) {
    for (int i = 0; i + part.length <= in.length; i++) {
      if (java.util.Arrays.equals(in, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("the packed file does not hold the jar's Dispatcher as it is");
  }

  private static void deleteRecursively(Path folder) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Test
  void thePolicyCanComeFromASystemProperty() throws Exception {
    Files.writeString(dir.resolve("from-property.yaml"), ToolCallsIT.POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("")
            .jvmArg("-Dtoolguard.policy=from-property.yaml")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stderr()).contains("policy from-property.yaml");
    assertThat(result.stdout()).contains("wipe: denied");
  }

  @Test
  void thePolicyCanComeFromTheEnvironmentAndTheOptionWins() throws Exception {
    Files.writeString(dir.resolve("from-env.yaml"), ToolCallsIT.POLICY);
    Files.writeString(dir.resolve("from-option.yaml"), ToolCallsIT.POLICY);

    ChildJvm.Result fromEnv =
        ChildJvm.in(dir)
            .agent("")
            .env("TOOLGUARD_POLICY", "from-env.yaml")
            .toolApp("markers", "all");
    ChildJvm.Result fromOption =
        ChildJvm.in(dir)
            .agent("policy=from-option.yaml")
            .jvmArg("-Dtoolguard.policy=from-env.yaml")
            .env("TOOLGUARD_POLICY", "from-env.yaml")
            .toolApp("markers", "all");

    assertThat(fromEnv.stderr()).as(fromEnv.toString()).contains("policy from-env.yaml");
    assertThat(fromOption.stderr()).as(fromOption.toString()).contains("policy from-option.yaml");
  }

  @Test
  void modeAuditAndReloadCanComeFromASystemPropertyOrTheEnvironment() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);

    ChildJvm.Result plain = ChildJvm.in(dir).agent("policy=policy.yaml").toolApp("markers", "all");
    ChildJvm.Result configured =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml")
            .env("TOOLGUARD_MODE", "audit")
            .env("TOOLGUARD_RELOAD", "0")
            .jvmArg("-Dtoolguard.audit=from-property.jsonl")
            .toolApp("markers", "all");

    assertThat(plain.stdout()).as(plain.toString()).contains("wipe: denied");
    assertThat(configured.exitCode()).as(configured.toString()).isZero();
    assertThat(configured.stdout()).as(configured.toString()).doesNotContain("wipe: denied");
    assertThat(configured.stderr()).contains("mode audit", "from-property.jsonl");
    assertThat(Files.readString(dir.resolve("from-property.jsonl")))
        .contains("\"tool\":\"wipe\"", "\"decision\":\"would-deny\"");
  }

  @Test
  void theAgentGivenTwiceRefusesToStart() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), ToolCallsIT.POLICY);

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml")
            .agent("policy=policy.yaml")
            .toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .contains(
            "toolguard: toolguard is already running in this JVM (toolguard ",
            "give -javaagent:toolguard-agent.jar only once");
  }

  @Test
  void theAgentOptionCannotChangeAModeABasePolicyLocks() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), "version: 1\nmode: enforce\nlocked: [mode]\n");
    Files.writeString(
        dir.resolve("policy.yaml"),
        ToolCallsIT.POLICY.replace("version: 1\n", "version: 1\ninclude: base.yaml\n"));

    ChildJvm.Result result =
        ChildJvm.in(dir).agent("policy=policy.yaml,mode=audit").toolApp("markers", "all");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(REFUSED);
    assertThat(result.stderr())
        .contains(
            "toolguard: agent option mode=audit is not allowed: base.yaml:3 locks the mode"
                + " to enforce");
  }
}
