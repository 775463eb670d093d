package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toolguard.agent.weave.WovenJdkFiles;
import io.toolguard.it.app.EarlyHooksApp;
import io.toolguard.it.app.EarlyTimerApp;
import io.toolguard.it.app.LateWovenApp;
import io.toolguard.it.app.SecurityManagerApp;
import io.toolguard.it.app.TimerStartingAgent;
import io.toolguard.it.app.WovenJdkApp;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's classes as woven at an earlier start, kept in a file beside the agent jar and used at
 * the next start instead of weaving them again. What the file holds becomes the JDK's code: with a
 * file that unhooks {@code FileInputStream}, a tool reads a secret its rule does not grant. So the
 * file is used only when no one but the jar's owner may write it; one that others may write, or
 * that another user owns, is ignored (the tool is denied) and replaced by a good one; and no tool
 * may write it, whatever its grants.
 */
class WovenJdkIT {

  private static final String POLICY =
      """
      version: 1
      sandbox: box
      tools:
        reader:
          decision: allow
          risk: LOW
          files:
            read: ["data/**"]
        writer:
          decision: allow
          risk: LOW
          files:
            write: ["**"]
        sizer:
          decision: allow
          risk: LOW
          files:
            read: ["agent/**"]
        listener:
          decision: allow
          risk: LOW
        guarded:
          decision: allow
          risk: LOW
      """;

  private static final String SECRET = "the secret outside the tool's grants";

  @TempDir Path dir;

  @Test
  void theKeptClassesAreUsedOnlyWhenNoOneButTheJarsOwnerMayWriteThem() throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.createDirectories(box.resolve("data"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    // The agent jar in the sandbox: the writer's grants reach the file beside it.
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);
    Path kept = WovenJdkFiles.of(jar);
    // Another JDK's file, which that JDK would read at its next start, and the jar itself.
    Path otherJdks = jar.resolveSibling(jar.getFileName() + ".woven-jdk-00000000");
    Path copy = Files.copy(jar, dir.resolve("pristine.jar"));

    ChildJvm.Result free =
        ChildJvm.in(box)
            .app(
                WovenJdkApp.class,
                secret.toString(),
                kept.toString(),
                otherJdks.toString(),
                jar.toString());
    assertThat(free.lines("read: ")).as(free.toString()).containsExactly("read: " + SECRET);
    assertThat(free.lines("write "))
        .as(free.toString())
        .containsExactly(
            "write " + kept.getFileName() + ": ok",
            "write " + otherJdks.getFileName() + ": ok",
            "write toolguard-agent.jar: ok");
    assertThat(Files.readString(kept)).isEqualTo("planted");
    assertThat(Files.readString(jar)).isEqualTo("planted");
    Files.delete(kept);
    Files.delete(otherJdks);
    Files.copy(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    ChildJvm.Result first = run(jar, secret, kept.toString(), otherJdks.toString(), jar.toString());
    assertDenied(first);
    assertThat(first.lines("write "))
        .as(first.toString())
        .hasSize(3)
        .allSatisfy(
            line ->
                assertThat(line)
                    .contains(
                        ": failed: java.lang.SecurityException: Tool 'writer' may not write"));
    assertThat(first.lines("write " + kept.getFileName()).get(0))
        .contains("woven JDK classes kept for the next start");
    assertThat(first.lines("write " + otherJdks.getFileName()).get(0))
        .contains("woven JDK classes kept for the next start");
    assertThat(first.lines("write toolguard-agent.jar:").get(0)).contains("toolguard's agent jar");
    ChildJvm.Result reading =
        ChildJvm.in(box)
            .jvmArg("-Dwoven.it.jar=" + jar)
            .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
            .app(WovenJdkApp.class, secret.toString());
    assertThat(reading.lines("size: "))
        .as("reading the agent jar, as its grants say: " + reading)
        .containsExactly("size: " + Files.size(jar));
    assertThat(otherJdks).doesNotExist();
    assertThat(jar).hasSameBinaryContentAs(copy);
    assertThat(WovenJdkFiles.classes(jar)).contains("java/io/FileInputStream");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
        .isEqualTo("rw-r--r--");

    // What the file can do: one that unhooks FileInputStream, as the jar's owner could write it.
    byte[] pristine = pristine("java/io/FileInputStream");
    assertThat(WovenJdkFiles.replace(jar, "java/io/FileInputStream", pristine)).isPositive();
    ChildJvm.Result trusted = run(jar, secret, kept);
    assertThat(trusted.lines("read: ")).as(trusted.toString()).containsExactly("read: " + SECRET);

    // The same file, writable by its group or by others: ignored, and replaced by a good one.
    for (String permissions : new String[] {"rw-rw-r--", "rw-r--rw-"}) {
      WovenJdkFiles.replace(jar, "java/io/FileInputStream", pristine);
      Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString(permissions));
      assertDenied(run(jar, secret, kept));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
          .as("replaced after %s", permissions)
          .isEqualTo("rw-r--r--");
      assertDenied(run(jar, secret, kept));
    }

    if ("root".equals(System.getProperty("user.name"))) {
      WovenJdkFiles.replace(jar, "java/io/FileInputStream", pristine);
      Files.setOwner(
          kept,
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
      assertDenied(run(jar, secret, kept));
    }
  }

  @Test
  void jdkClassesNothingLoadedBeforeMainAreWovenAfterItAndBeforeAnyTool() throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);

    // Without toolguard the tool listens: the harm.
    ChildJvm.Result free = ChildJvm.in(box).app(LateWovenApp.class);
    assertThat(free.lines("listen: ")).as(free.toString()).containsExactly("listen: listening");

    // A first start loads ServerSocket before main, and keeps it as woven beside the jar; a new
    // file a JVM that ended mid-write left beside it is deleted as it writes.
    Path leftBehind = jar.resolveSibling(WovenJdkFiles.of(jar).getFileName() + ".1234.new");
    Files.writeString(leftBehind, "cut short");
    ChildJvm.Result first = lateWoven(jar);
    assertThat(WovenJdkFiles.classes(jar)).contains("java/net/ServerSocket");
    assertThat(leftBehind).doesNotExist();
    assertThat(loadedBeforeMain(first)).as(first.toString()).isTrue();
    assertDeniedListening(first);

    // The next start leaves it for after main, where a class with tools is first loaded; the
    // tool still finds it woven.
    for (int run = 0; run < 2; run++) {
      ChildJvm.Result later = lateWoven(jar);
      assertThat(loadedBeforeMain(later)).as(later.toString()).isFalse();
      assertDeniedListening(later);
    }

    // The application loads it first, at the edge of an exhausted stack, where the JVM defines it
    // without handing it to toolguard: retransformed before the tool runs.
    for (int run = 0; run < 3; run++) {
      ChildJvm.Result edge = lateWoven(jar, "edge");
      assertThat(edge.lines("edge: ")).as(edge.toString()).containsExactly("edge: loaded");
      assertDeniedListening(edge);
    }
  }

  @Test
  void jdkClassesLoadedBeforePremainAreRetransformedAfterMainAndBeforeAnyTool() throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);

    // Without toolguard the tool reads the secret with a FileInputStream: the harm.
    ChildJvm.Result free = ChildJvm.in(box).app(LateWovenApp.class, "read", secret.toString());
    assertThat(free.lines("read: ")).as(free.toString()).containsExactly("read: " + SECRET);

    // The JVM loads FileInputStream before any agent's premain. A first start retransforms it
    // before main; later starts after it, once a class with tools loads; the tool is denied
    // either way.
    for (int run = 0; run < 3; run++) {
      ChildJvm.Result result =
          ChildJvm.in(box)
              .jvmArg("-Xlog:redefine+class+load=debug:stdout:level")
              .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
              .app(LateWovenApp.class, "read", secret.toString());
      List<String> lines = result.stdout().lines().toList();
      int retransformed = lastLineWith(lines, "loading name=java.io.FileInputStream ");
      assertThat(retransformed).as("FileInputStream retransformed: %s", result).isNotNegative();
      assertThat(retransformed < lines.indexOf("main: started"))
          .as("retransformed before main, run %d: %s", run, result)
          .isEqualTo(run == 0);
      assertThat(result.lines("read: "))
          .as(result.toString())
          .singleElement()
          .asString()
          .startsWith("read: failed: java.lang.SecurityException: Tool 'reader' may not read")
          .doesNotContain(SECRET);
    }
  }

  @Test
  void aTimerTheApplicationStartsWhileTheJdkIsWovenBesideMainRunsTheToolsTasksConfined()
      throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);

    // Without toolguard the tool's timer task reads the secret: the harm.
    ChildJvm.Result free = ChildJvm.in(box).app(EarlyTimerApp.class, secret.toString());
    assertThat(free.lines("timer: ")).as(free.toString()).containsExactly("timer: " + SECRET);

    // The first start weaves the JDK before main and keeps it; the later ones weave it beside
    // main, where the application starts its timer before the hooks are ready: the timer's class
    // waits for them, so its loop carries the tool's confinement into the task.
    for (int run = 0; run < 4; run++) {
      ChildJvm.Result result =
          ChildJvm.in(box)
              .jvmArg("-Xlog:class+load=info:stdout:level")
              .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
              .app(EarlyTimerApp.class, secret.toString());
      List<String> lines = result.stdout().lines().toList();
      int timerLoaded = lastLineWith(lines, " java.util.TimerThread source:");
      assertThat(timerLoaded).as("TimerThread loaded: %s", result).isNotNegative();
      assertThat(timerLoaded > lastLineWith(lines, "sun.launcher.LauncherHelper "))
          .as(
              "TimerThread loaded by main (not before it at a first start), run %d: %s",
              run, result)
          .isEqualTo(run > 0);
      assertTimerTaskDenied(result, run);
    }
  }

  @Test
  void aTimerClassLoadedBeforeToolguardIsWovenBeforeMainAllTheSame() throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);
    Path timerAgent = ChildJvm.premainJar(dir.resolve("timer-agent.jar"), TimerStartingAgent.class);

    // Without toolguard the tool's timer task reads the secret: the harm.
    ChildJvm.Result free =
        ChildJvm.in(box)
            .jvmArg("-javaagent:" + timerAgent)
            .app(EarlyTimerApp.class, secret.toString());
    assertThat(free.lines("timer: ")).as(free.toString()).containsExactly("timer: " + SECRET);

    // Another agent before toolguard loads TimerThread, as an AOT cache's classes may be: a
    // later start, which would weave the JDK beside main, weaves it before main all the same, so
    // that the application's timer runs the tool's task confined.
    for (int run = 0; run < 3; run++) {
      ChildJvm.Result result =
          ChildJvm.in(box)
              .jvmArg("-javaagent:" + timerAgent)
              .jvmArg("-Xlog:redefine+class+load=debug:stdout:level")
              .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
              .app(EarlyTimerApp.class, secret.toString());
      List<String> lines = result.stdout().lines().toList();
      int retransformed = lastLineWith(lines, "loading name=java.util.TimerThread ");
      assertThat(retransformed).as("TimerThread retransformed: %s", result).isNotNegative();
      assertThat(retransformed < lines.indexOf("main: started"))
          .as("retransformed before main, run %d: %s", run, result)
          .isTrue();
      assertTimerTaskDenied(result, run);
    }
  }

  /** The tool's timer task was denied its read of the secret. */
  private static void assertTimerTaskDenied(ChildJvm.Result result, int run) {
    assertThat(result.lines("timer: "))
        .as("run %d: %s", run, result)
        .singleElement()
        .asString()
        .startsWith("timer: failed: java.util.concurrent.ExecutionException:")
        .contains("Tool 'reader' may not read")
        .doesNotContain(SECRET);
  }

  @Test
  void codeThatRunsFirstInMainCannotPutHooksOfItsOwnInPlaceOfToolguards() throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);

    // Without toolguard (no dispatcher to intrude on) the tool reads the secret: the harm.
    ChildJvm.Result free = ChildJvm.in(box).app(EarlyHooksApp.class, secret.toString());
    assertThat(free.lines("tool: ")).as(free.toString()).containsExactly("tool: " + SECRET);
    assertThat(free.lines("init: "))
        .as(free.toString())
        .singleElement()
        .asString()
        .contains("no dispatcher");

    // At a first start the hooks are in place before main; at later ones toolguard's thread
    // installs them beside main, and only it may: the main class's static initialiser, which runs
    // before that, can neither install its own nor call toolguard's off.
    for (int run = 0; run < 3; run++) {
      ChildJvm.Result result =
          ChildJvm.in(box)
              .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
              .app(EarlyHooksApp.class, secret.toString());
      assertThat(result.lines("init: "))
          .as("run %d: %s", run, result)
          .singleElement()
          .asString()
          .startsWith("init: refused: toolguard");
      assertThat(result.lines("tool: "))
          .as("run %d: %s", run, result)
          .singleElement()
          .asString()
          .startsWith("tool: failed: java.lang.SecurityException: Tool 'reader' may not read")
          .doesNotContain(SECRET);
    }
  }

  private static ChildJvm.Result lateWoven(Path jar, String... args) throws Exception {
    return ChildJvm.in(jar.getParent().getParent())
        .jvmArg("-Xlog:class+load=info:stdout:level")
        .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
        .app(LateWovenApp.class, args);
  }

  /** {@return the index of the last line holding {@code text}, or -1} */
  private static int lastLineWith(List<String> lines, String text) {
    int found = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        found = i;
      }
    }
    return found;
  }

  /** {@return whether the JVM loaded {@code ServerSocket} before {@code main} began} */
  private static boolean loadedBeforeMain(ChildJvm.Result result) {
    List<String> lines = result.stdout().lines().toList();
    int loaded = lastLineWith(lines, " java.net.ServerSocket source:");
    assertThat(loaded).as("ServerSocket loaded: %s", result).isNotNegative();
    return loaded < lines.indexOf("main: started");
  }

  private static void assertDeniedListening(ChildJvm.Result result) {
    assertThat(result.lines("listen: "))
        .as(result.toString())
        .singleElement()
        .asString()
        .startsWith("listen: failed: java.lang.SecurityException: Tool 'listener' may not listen");
  }

  @Test
  void aSecurityManagerTheApplicationInstallsRefusesToolsOnlyWhereItForbidsTheRest()
      throws Exception {
    assumeTrue(Runtime.version().feature() < 18, "JDK 17 lets an application install one");
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);
    // A start that writes the file.
    assertThat(securityManaged(jar).lines("tool: ")).containsExactly("tool: ran");
    assertThat(WovenJdkFiles.classes(jar)).contains("java/net/ServerSocket");

    // Installed in main with no word beforehand: what was left cannot be loaded, and every tool
    // call is refused, saying what to do.
    ChildJvm.Result refused = securityManaged(jar);
    assertThat(refused.lines("tool: "))
        .as(refused.toString())
        .singleElement()
        .asString()
        .contains(
            "Tool 'guarded' was denied by toolguard: toolguard could not weave its checks into the"
                + " rest of this JDK: a security manager the application installed forbade it",
            "-Dtoolguard.woven_jdk=off");
    assertThat(refused.stderr()).contains("a security manager the application installed");

    // Announced (java.security.manager), or with the file turned off: all is woven before main.
    assertThat(securityManaged(jar, "-Djava.security.manager=allow").lines("tool: "))
        .containsExactly("tool: ran");
    assertThat(securityManaged(jar, "-Dtoolguard.woven_jdk=off").lines("tool: "))
        .containsExactly("tool: ran");
  }

  private static ChildJvm.Result securityManaged(Path jar, String... jvmArgs) throws Exception {
    ChildJvm child = ChildJvm.in(jar.getParent().getParent());
    for (String arg : jvmArgs) {
      child.jvmArg(arg);
    }
    return child
        .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
        .app(SecurityManagerApp.class);
  }

  @Test
  void turnedOffNoFileIsWrittenAndTheToolsAreStillChecked() throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
    Path jar = Files.createDirectories(box.resolve("agent")).resolve("toolguard-agent.jar");
    Files.copy(ChildJvm.AGENT_JAR, jar);

    ChildJvm.Result off =
        ChildJvm.in(box)
            .jvmArg("-Dtoolguard.woven_jdk=off")
            .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
            .app(WovenJdkApp.class, secret.toString(), box.resolve("out.txt").toString());

    assertDenied(off);
    assertThat(off.lines("write ")).as(off.toString()).containsExactly("write out.txt: ok");
    try (var listing = Files.list(jar.getParent())) {
      assertThat(listing).containsExactly(jar);
    }
  }

  private static ChildJvm.Result run(Path jar, Path secret, Path kept) throws Exception {
    return run(jar, secret, kept.toString());
  }

  private static ChildJvm.Result run(Path jar, Path secret, String... written) throws Exception {
    Path box = jar.getParent().getParent();
    String[] args = new String[written.length + 1];
    args[0] = secret.toString();
    System.arraycopy(written, 0, args, 1, written.length);
    return ChildJvm.in(box)
        .jvmArg("-javaagent:" + jar + "=policy=../policy.yaml,audit=../audit.jsonl")
        .app(WovenJdkApp.class, args);
  }

  private static void assertDenied(ChildJvm.Result result) {
    assertThat(result.lines("read: "))
        .as(result.toString())
        .singleElement()
        .asString()
        .startsWith("read: failed: java.lang.SecurityException: Tool 'reader' may not read")
        .doesNotContain(SECRET);
  }

  /** {@return the class file of {@code internalName} as the JDK has it, no check woven in} */
  private static byte[] pristine(String internalName) throws Exception {
    try (InputStream in = Object.class.getModule().getResourceAsStream(internalName + ".class")) {
      return in.readAllBytes();
    }
  }
}
