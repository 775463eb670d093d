package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped jar: its manifest, nothing unrelocated that could clash with an application, and its command line. */
class AgentJarIT {

  @TempDir Path dir;

  @Test
  void theManifestDeclaresEveryEntryPoint() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      Attributes manifest = jar.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Premain-Class")).isEqualTo("io.toolguard.agent.ToolGuardAgent");
      assertThat(manifest.getValue("Agent-Class")).isEqualTo("io.toolguard.agent.ToolGuardAgent");
      assertThat(manifest.getValue("Main-Class")).isEqualTo("io.toolguard.agent.cli.Cli");
      assertThat(manifest.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(manifest.getValue("Can-Redefine-Classes")).isEqualTo("true");
    }
  }

  @Test
  void everyClassIsUnderTheToolguardNamespace() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      List<String> entries = jar.stream().map(JarEntry::getName).toList();
      assertThat(entries).filteredOn(name -> name.endsWith(".class"))
          .isNotEmpty()
          .allMatch(name -> name.replaceFirst("^META-INF/versions/\\d+/", "").startsWith("io/toolguard/"));
      assertThat(entries).anyMatch(name -> name.startsWith("io/toolguard/shaded/bytebuddy/"))
          .anyMatch(name -> name.startsWith("io/toolguard/shaded/logback/"))
          .anyMatch(name -> name.startsWith("io/toolguard/shaded/slf4j/"))
          .anyMatch(name -> name.startsWith("io/toolguard/shaded/snakeyaml/"))
          .noneMatch(name -> name.startsWith("META-INF/services/"))
          .noneMatch(name -> name.matches(".*logback(-test)?\\.xml"))
          .noneMatch(name -> name.startsWith("io/toolguard/api/"));
      // The agent copies these, by name, onto the bootstrap class path.
      assertThat(entries).filteredOn(name -> name.startsWith("io/toolguard/bootstrap/") && name.endsWith(".class"))
          .containsExactlyInAnyOrder("io/toolguard/bootstrap/Dispatcher.class",
              "io/toolguard/bootstrap/Dispatcher$Hooks.class", "io/toolguard/bootstrap/HandOffs.class",
              "io/toolguard/bootstrap/HandOffs$Handed.class", "io/toolguard/bootstrap/ToolFrames.class",
              "io/toolguard/bootstrap/ToolFrames$Frame.class", "io/toolguard/bootstrap/ToolFrames$Contexts.class",
              "io/toolguard/bootstrap/package-info.class");
    }
  }

  @Test
  void theJarPrintsItsVersion() throws Exception {
    ChildJvm.Result result = ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "--version");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).matches("toolguard \\d+\\.\\d+\\.\\d+.*\\n");
  }

  @Test
  void theJarValidatesPolicies() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "version: 2\nsandbox: box\n");

    ChildJvm.Result good = ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "validate",
        ChildJvm.POLICIES.resolve("sample-app.yaml").toString());
    ChildJvm.Result bad = ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "validate", "bad.yaml");

    assertThat(good.exitCode()).as(good.toString()).isZero();
    assertThat(good.stdout()).contains("sample-app.yaml: valid (6 tool rules");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.stderr()).contains("bad.yaml:1:10: unsupported version '2'; this agent reads 'version: 1'");
  }

  @Test
  void theShippedPolicyTestsPass() throws Exception {
    List<Path> caseFiles;
    try (java.util.stream.Stream<Path> files = Files.list(ChildJvm.POLICIES)) {
      caseFiles = files.filter(file -> file.getFileName().toString().endsWith(".tests.yaml")).sorted().toList();
    }
    assertThat(caseFiles).isNotEmpty();
    for (Path cases : caseFiles) {
      Path policy = cases.resolveSibling(cases.getFileName().toString().replace(".tests.yaml", ".yaml"));

      ChildJvm.Result result = ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "test", policy.toString(), cases.toString());

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).as(result.toString()).containsPattern("\\d+ passed, 0 failed").doesNotContain("FAIL");
    }
  }

  @Test
  void theJarExplainsADecision() throws Exception {
    ChildJvm.Result result = ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "explain",
        ChildJvm.POLICIES.resolve("sample-app.yaml").toString(), "--tool", "send_email");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).startsWith("tool send_email: deny\n").contains("sample-app.yaml:48 'send_email' (deny)");
  }
}
