package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.PlantedDefaultsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two, JVM-wide defaults: code inside a tool sets the process's network, TLS,
 * deserialization and signal defaults, which then act for the whole application outside every tool.
 * Without the agent each setter takes effect and a planted response cache reads a secret outside
 * the tool's grants as soon as the application makes a request; with it each is denied and audited,
 * and the application still sets them itself.
 */
class PlantedDefaultsIT {

  private static final String SECRET = "planted-cache-secret";

  @TempDir Path base;

  @Test
  void aToolCannotPlantJvmWideDefaultsThatActOutsideIt() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path secret = Files.writeString(base.resolve("secret.txt"), SECRET);
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          plant: {decision: allow, files: {read: ["**"], write: ["**"]}}
        """);

    ChildJvm.Result without = ChildJvm.in(box).app(PlantedDefaultsApp.class, secret.toString());
    assertThat(without.stdout())
        .as(without.toString())
        .contains("PLANTED read " + SECRET, "OUTSIDE setters ok");
    List<String> planted = setterLines(without);
    assertThat(planted).as(without.toString()).hasSize(9).allMatch(line -> line.endsWith(" set"));

    ChildJvm.Result with =
        ChildJvm.in(box)
            .agent("policy=../policy.yaml,audit=../audit.jsonl")
            .app(PlantedDefaultsApp.class, secret.toString());
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(setterLines(with))
        .as(with.toString())
        .hasSize(9)
        .allMatch(line -> line.endsWith(" denied"));
    assertThat(with.stdout())
        .as(with.toString())
        .contains("PLANTED none", "OUTSIDE setters ok")
        .doesNotContain(SECRET);
    List<Map<String, String>> audit = AuditLines.read(base.resolve("audit.jsonl"));
    assertThat(audit)
        .filteredOn(line -> "jvm".equals(line.get("event")) && "deny".equals(line.get("decision")))
        .extracting(line -> line.get("action"))
        .contains(
            "replace the default HTTP response cache",
            "replace the default TLS host name verifier",
            "change whether HTTP redirects are followed",
            "install a signal handler");
  }

  private static List<String> setterLines(ChildJvm.Result result) {
    return result.stdout().lines().filter(line -> line.startsWith("SETTER ")).toList();
  }
}
