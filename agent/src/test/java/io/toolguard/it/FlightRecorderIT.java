package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.FlightRecorderApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool that starts a flight recording as a {@code RecordingStream}, which does not go through
 * {@code Recording.start}, or opens a running recording's repository: denied before anything of the
 * recorder changes. A denial halfway through the recorder's start-up made it stop the JVM (exit
 * 134), and the repository handed a tool the environment variables and system properties it may not
 * read.
 */
class FlightRecorderIT {

  private static final String POLICY =
      """
      version: 1
      sandbox: box
      tools:
        stream:
          decision: allow
          risk: LOW
        repository:
          decision: allow
          risk: LOW
      """;

  @TempDir Path dir;

  @Test
  void aToolMayNeitherStartARecordingStreamNorReadTheRepository() throws Exception {
    Files.createDirectories(dir.resolve("box"));
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    // Without toolguard both run.
    ChildJvm.Result free =
        ChildJvm.in(dir).jvmArg("-XX:StartFlightRecording").app(FlightRecorderApp.class);
    assertThat(free.lines("stream: ")).as(free.toString()).containsExactly("stream: ran");
    assertThat(free.lines("repository: ")).containsExactly("repository: ran");

    for (String recording : new String[] {"-XX:StartFlightRecording", "-Dno.recording=true"}) {
      ChildJvm.Result guarded =
          ChildJvm.in(dir)
              .jvmArg(recording)
              .agent("policy=policy.yaml")
              .app(FlightRecorderApp.class);
      assertThat(guarded.exitCode()).as(guarded.toString()).isZero();
      assertThat(guarded.lines("stream: "))
          .singleElement()
          .asString()
          .startsWith(
              "stream: failed: java.lang.SecurityException: Tool 'stream' may not start a"
                  + " flight recording");
      assertThat(guarded.lines("repository: "))
          .singleElement()
          .asString()
          .startsWith(
              "repository: failed: java.lang.SecurityException: Tool 'repository' may not"
                  + " read the flight recorder's repository");
      assertThat(guarded.lines("JVM: ")).containsExactly("JVM: still up");
    }
  }
}
