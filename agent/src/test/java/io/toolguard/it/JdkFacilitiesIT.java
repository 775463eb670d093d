package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.FileRoutesApp;
import io.toolguard.it.app.JdkFacilitiesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool that is the first code in the JVM to use a JDK facility (logging, preferences, management
 * beans, AWT images, fonts, Image I/O, the flight recorder, content-type detection) gets a working
 * facility, and so does the application after it: the JDK's own initialisation runs with the JVM's
 * rights. Before, the denial of a shutdown hook, a native library or a configuration read inside
 * the JDK's class initialiser left the class failed for the whole JVM ({@code NoClassDefFoundError:
 * Could not initialize class java.util.logging.LogManager}). Tool code the JDK runs while it
 * initialises itself is still the tool's, and stays confined.
 */
class JdkFacilitiesIT {

  private static final String POLICY =
      """
      version: 1
      sandbox: box
      tools:
        jdk_user:
          decision: allow
          risk: LOW
          files:
            read: ["**"]
            write: ["**"]
            delete: ["**"]
      """;

  @TempDir static Path dir;

  /** Runs a scenario of {@link JdkFacilitiesApp} in a fresh JVM, in its own folder. */
  static ChildJvm.Result run(String name, boolean withAgent, String scenario) throws Exception {
    return run(name, withAgent ? "policy=../policy.yaml,audit=../audit.jsonl" : null, scenario);
  }

  /** Runs a scenario with these agent options, or without the agent if they are null. */
  static ChildJvm.Result run(String name, String agentOptions, String scenario) throws Exception {
    Path base = dir.resolve(name);
    Files.createDirectories(base.resolve("box"));
    Files.writeString(base.resolve("policy.yaml"), POLICY);
    ChildJvm child = ChildJvm.in(base.resolve("box"));
    if (agentOptions != null) {
      child.agent(agentOptions);
    }
    return child
        .jvmArg("-Djava.awt.headless=true")
        .jvmArg("-Duser.home=" + base.resolve("home"))
        .jvmArg("-Djava.util.prefs.syncInterval=1")
        .app(JdkFacilitiesApp.class, base.toString(), scenario);
  }

  @TestFactory
  Stream<DynamicTest> aFacilityAToolUsesFirstWorksInTheToolAndForTheApplicationAfter() {
    return Stream.of("logging", "prefs", "management", "awt", "fonts", "imageio", "jfr", "probe")
        .map(
            facility ->
                DynamicTest.dynamicTest(
                    facility,
                    () -> {
                      ChildJvm.Result result = run(facility, true, facility);
                      List<String> lines = result.stdout().lines().toList();

                      assertThat(result.exitCode()).as(result.toString()).isZero();
                      assertThat(lines)
                          .as(result.toString())
                          .anyMatch(line -> line.startsWith("TOOL " + facility + " ok"))
                          .contains("SANDBOX ok inside")
                          .anyMatch(line -> line.startsWith("OUTSIDE " + facility + " ok"));
                      if (facility.equals("prefs")) {
                        assertThat(lines).as(result.toString()).contains("SYNCED yes");
                      }
                      if (facility.equals("probe")) {
                        // the user's ~/.mime.types was read, inside the tool
                        assertThat(lines).contains("TOOL probe ok text/x-toolguard");
                      }
                      assertThat(deniedInside(facility))
                          .as("what the JDK did to initialise itself is not the tool's")
                          .isEmpty();
                    }));
  }

  @Test
  void inAuditModeTheJvmsInitialisationIsNotLoggedAsTheTools() throws Exception {
    ChildJvm.Result result =
        run("audit-mode", "policy=../policy.yaml,audit=../audit.jsonl,mode=audit", "management");

    assertThat(result.stdout()).as(result.toString()).contains("TOOL management ok");
    List<Map<String, String>> audit = AuditLines.read(dir.resolve("audit-mode/audit.jsonl"));
    assertThat(audit)
        .as("so that suggest proposes no grant for it")
        .noneMatch(line -> "would-deny".equals(line.get("decision")))
        .noneMatch(line -> "jvm".equals(line.get("event")))
        .noneMatch(line -> String.valueOf(line.get("resolved")).startsWith("/proc/"));
    assertThat(audit)
        .as("the tool's own read is")
        .anyMatch(line -> String.valueOf(line.get("resolved")).endsWith("/box/a.txt"));
  }

  @Test
  void theApplicationUsesEveryFacilityWithNoToolRunning() throws Exception {
    ChildJvm.Result result = run("application", true, "application");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines().filter(line -> line.startsWith("APPLICATION ")))
        .as(result.toString())
        .hasSize(8)
        .allMatch(line -> line.matches("APPLICATION \\S+ ok.*"));
  }

  @Test
  void withoutTheAgentToolCodeRunDuringTheJdksInitialisationReadsTheSecret() throws Exception {
    ChildJvm.Result result = run("hostile-without-agent", false, "hostile");

    assertThat(result.stdout().lines().filter(line -> line.startsWith("HOSTILE ")))
        .as(result.toString())
        .hasSize(3)
        .allMatch(line -> line.contains(" LEAKED " + FileRoutesApp.SECRET));
  }

  @Test
  void toolCodeRunDuringTheJdksInitialisationIsStillConfined() throws Exception {
    ChildJvm.Result result = run("hostile", true, "hostile");
    List<String> lines = result.stdout().lines().toList();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lines)
        .as(result.toString())
        .contains(
            "HOSTILE own-class-initialiser denied",
            "HOSTILE lambda-to-jdk-code denied",
            "HOSTILE service-provider-in-jdk-initialiser denied");
    assertThat(result.stdout()).doesNotContain(FileRoutesApp.SECRET);
    // Documented limit: the denial escaped ImageIO's initialiser, which the JVM never retries.
    assertThat(lines)
        .as(result.toString())
        .anyMatch(line -> line.startsWith("AFTER imageio FAILED java.lang.NoClassDefFoundError"));
    List<Map<String, String>> denials =
        AuditLines.read(dir.resolve("hostile/audit.jsonl")).stream()
            .filter(line -> "file".equals(line.get("event")) && "deny".equals(line.get("decision")))
            .toList();
    assertThat(denials)
        .extracting(line -> line.get("resolved"))
        .hasSize(3)
        .allMatch(path -> path.endsWith("/secret/s.txt"));
    assertThat(denials)
        .as("the denial that leaves ImageIO unusable says so")
        .extracting(line -> line.get("reason"))
        .filteredOn(reason -> reason.contains("while JDK class"))
        .singleElement()
        .asString()
        .contains("while JDK class javax.imageio.ImageIO initialises, which stays unusable");
  }

  /**
   * {@return the denials the audit log holds for a facility's run, but for the tool's own read of
   * the user's stored preferences, which is data, not the JDK's initialisation}
   */
  private static List<Map<String, String>> deniedInside(String facility) throws Exception {
    return AuditLines.read(dir.resolve(facility).resolve("audit.jsonl")).stream()
        .filter(line -> "deny".equals(line.get("decision")))
        .filter(line -> !String.valueOf(line.get("resolved")).endsWith("/.userPrefs/prefs.xml"))
        .toList();
  }
}
