package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.BootstrapPacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar: its manifest, nothing unrelocated that could clash with an application, a
 * bootstrap package that needs nothing else, and its command line.
 */
class AgentJarIT {

  /** What the agent defines, whole, in the bootstrap class loader. */
  private static final String BOOTSTRAP = "io/toolguard/bootstrap/";

  @TempDir Path dir;

  @Test
  void theManifestDeclaresEveryEntryPoint() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      Attributes manifest = jar.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Premain-Class")).isEqualTo("io.toolguard.agent.ToolGuardAgent");
      assertThat(manifest.getValue("Agent-Class")).isEqualTo("io.toolguard.agent.ToolGuardAgent");
      assertThat(manifest.getValue("Main-Class")).isEqualTo("io.toolguard.agent.ToolGuardAgent");
      assertThat(manifest.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(manifest.getValue("Can-Redefine-Classes")).isEqualTo("true");
    }
  }

  @Test
  void everyClassIsUnderTheToolguardNamespace() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      List<String> entries = jar.stream().map(JarEntry::getName).toList();
      assertThat(entries)
          .filteredOn(name -> name.endsWith(".class"))
          .isNotEmpty()
          .allMatch(
              name ->
                  name.replaceFirst("^META-INF/versions/\\d+/", "").startsWith("io/toolguard/"));
      // The agent's own classes and the libraries it carries are in the packed entry only: the
      // application class loader, which has the jar on its class path, finds no copy of them.
      assertThat(entries)
          .filteredOn(name -> name.endsWith(".class"))
          .allMatch(
              name ->
                  name.startsWith("io/toolguard/agent/ToolGuardAgent")
                      || name.startsWith("io/toolguard/agent/AgentClassLoader"),
              "the application class loader's two classes");
      // Nor of the bootstrap package, which is packed for toolguard to define in the bootstrap
      // loader: code that names it before then finds no copy of the application loader's.
      assertThat(entries).noneMatch(name -> name.contains(BOOTSTRAP));
      assertThat(packed(jar).keySet())
          .allMatch(name -> name.startsWith("io.toolguard."))
          .anyMatch(name -> name.startsWith("io.toolguard.agent.policy."))
          .anyMatch(name -> name.startsWith("io.toolguard.shaded.bytebuddy."))
          .anyMatch(name -> name.startsWith("io.toolguard.shaded.snakeyaml."));
      assertThat(entries)
          .noneMatch(name -> name.startsWith("META-INF/services/"))
          .noneMatch(name -> name.matches(".*logback(-test)?\\.xml"))
          .noneMatch(name -> name.startsWith("io/toolguard/api/"));
    }
  }

  @Test
  void theBootstrapPackageNeedsNoClassButItsOwnAndTheJdksBootClasses() throws Exception {
    // The build's classes, which the next test shows are what the jar holds packed.
    Map<String, byte[]> bootstrap = bootstrapClasses();
    assertThat(bootstrap.keySet())
        .allMatch(name -> name.endsWith(".class"))
        .contains(
            BOOTSTRAP + "Dispatcher.class",
            BOOTSTRAP + "Dispatcher$Hooks.class",
            BOOTSTRAP + "HandOffs.class",
            BOOTSTRAP + "ToolFrames.class");

    Set<String> needed = new TreeSet<>();
    bootstrap.forEach(
        (name, classFile) -> {
          Set<String> named = referencedClasses(classFile);
          if (name.equals(BOOTSTRAP + "Foreign.class") && Runtime.version().feature() < 22) {
            // Foreign names the foreign function API of JDK 22+, and runs only there.
            assertThat(named).anyMatch(type -> type.startsWith("java/lang/foreign/"));
            named.removeIf(type -> type.startsWith("java/lang/foreign/"));
          }
          needed.addAll(named);
        });

    // All of it goes onto the bootstrap path, so every class it names must be there: its own, or
    // the JDK's.
    assertThat(needed)
        .allSatisfy(
            name ->
                assertThat(bootstrap.containsKey(name + ".class") || bootLoads(name))
                    .as(
                        "%s, which the bootstrap package needs, is in it or in the JDK's boot classes",
                        name)
                    .isTrue());
    assertThat(needed).contains("io/toolguard/bootstrap/ToolFrames$Frame", "java/lang/ThreadLocal");
  }

  @Test
  void thePackedBootstrapPackageIsWhatThePackerMakesOfTheJarsOwnBootstrapClasses()
      throws Exception {
    byte[] packed;
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      JarEntry entry = jar.getJarEntry("META-INF/toolguard/bootstrap.packed");
      assertThat(entry).as("the packed bootstrap package").isNotNull();
      packed = jar.getInputStream(entry).readAllBytes();
      assertThat(jar.getJarEntry("io/toolguard/agent/BootstrapPacker.class"))
          .as("the build's packer, which the agent never runs")
          .isNull();
    }
    assertThat(packed).isEqualTo(BootstrapPacker.pack(bootstrapClasses()));
  }

  /** {@return the bootstrap package's class files as the build compiled them, by entry name} */
  private static Map<String, byte[]> bootstrapClasses() throws IOException {
    return BootstrapPacker.classFiles(ChildJvm.agentClasses());
  }

  @Test
  void theAgentPutsTheWholeBootstrapPackageAndNothingElseOnTheBootPath() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "version: 1\nsandbox: .\n");
    List<String> bootstrap =
        bootstrapClasses().keySet().stream()
            .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
            .toList();
    List<String> others =
        List.of(
            "io.toolguard.agent.ToolGuardAgent",
            "io.toolguard.agent.weave.Inserter",
            "io.toolguard.shaded.bytebuddy.ByteBuddy");
    List<String> names = new java.util.ArrayList<>(bootstrap);
    names.addAll(others);

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml")
            .app(io.toolguard.it.app.BootPathApp.class, names.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactlyElementsOf(
            java.util.stream.Stream.concat(
                    bootstrap.stream().map(name -> name + ": boot"),
                    others.stream().map(name -> name + ": not on the boot path"))
                .toList());
  }

  /**
   * The application class loader has the agent jar on its class path (the JVM put it there), and
   * finds none of the agent's classes but its entry point: no copy a tool could load by name.
   */
  @Test
  void theApplicationClassLoaderFindsNoneOfTheAgentsClassesButItsEntryPoint() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "version: 1\nsandbox: .\n");

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml")
            .app(
                io.toolguard.it.app.SystemLoaderApp.class,
                "io.toolguard.agent.Startup",
                "io.toolguard.agent.policy.read.PolicyParser",
                "io.toolguard.shaded.bytebuddy.ByteBuddy",
                "io.toolguard.agent.ToolGuardAgent");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines())
        .as(result.toString())
        .contains(
            "io.toolguard.agent.Startup: absent",
            "io.toolguard.agent.policy.read.PolicyParser: absent",
            "io.toolguard.shaded.bytebuddy.ByteBuddy: absent",
            "io.toolguard.agent.ToolGuardAgent: app");
  }

  @Test
  void aPolicyInPlainYamlIsReadWithoutLoadingSnakeYaml() throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nsandbox: .\ntools:\n  t:\n    decision: allow\n    files:\n"
            + "      read: [\"data/**\", 'x']\n    when:\n      to: {glob: \"*@x.com\"}\n");

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jvmArg("-Xlog:class+load=info:stdout")
            .agent("policy=policy.yaml")
            .app(io.toolguard.it.app.BootPathApp.class, "io.toolguard.agent.ToolGuardAgent");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("io.toolguard.agent.policy.read.PlainYaml ");
    assertThat(result.stdout().lines())
        .as(result.toString())
        .noneMatch(line -> line.contains("io.toolguard.shaded.snakeyaml."));
  }

  @Test
  void theAgentsOwnClassesAreItsLoadersFromThePackedEntryAsTheJarHoldsThem() throws Exception {
    // The anchor makes SnakeYAML read the policy, so that classes the jar shades load too.
    Files.writeString(dir.resolve("policy.yaml"), "version: 1\nsandbox: &here .\n");

    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jvmArg("-Xlog:class+load=debug")
            .agent("policy=policy.yaml")
            .app(io.toolguard.it.app.BootPathApp.class, "io.toolguard.agent.ToolGuardAgent");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    // Each class's line, then the line of its loader, length and CRC-32 (JDK 17 and 25 alike); the
    // classes from the agent jar (not the lambdas and other hidden classes their loaders define).
    Map<String, String[]> loaded = new TreeMap<>();
    List<String> lines = result.stdout().lines().toList();
    java.util.regex.Pattern named =
        java.util.regex.Pattern.compile(
            ".*\\[class,load\\] (io\\.toolguard\\.\\S+) source: \\S*toolguard-agent\\.jar$");
    java.util.regex.Pattern loader =
        java.util.regex.Pattern.compile(
            ".*loader: \\[loader data: \\S+ for instance a '([^']+)'.*checksum: *([0-9a-f]+).*");
    for (int i = 0; i + 1 < lines.size(); i++) {
      java.util.regex.Matcher name = named.matcher(lines.get(i));
      java.util.regex.Matcher by = loader.matcher(lines.get(i + 1));
      if (name.matches() && by.matches()) {
        loaded.put(name.group(1), new String[] {by.group(1), by.group(2)});
      }
    }
    String application = "jdk/internal/loader/ClassLoaders$AppClassLoader";
    String own = "io/toolguard/agent/AgentClassLoader";
    assertThat(loaded.get("io.toolguard.agent.ToolGuardAgent"))
        .as(result.toString())
        .contains(application);
    assertThat(loaded.get("io.toolguard.agent.AgentClassLoader")).contains(application);
    Map<String, String[]> agents = new TreeMap<>(loaded);
    agents.keySet().removeIf(name -> name.startsWith("io.toolguard.bootstrap."));
    agents.remove("io.toolguard.agent.ToolGuardAgent");
    agents.remove("io.toolguard.agent.AgentClassLoader");
    assertThat(agents)
        .containsKeys(
            "io.toolguard.agent.Startup",
            "io.toolguard.agent.policy.read.PolicyParser",
            "io.toolguard.shaded.snakeyaml.parser.ParserImpl");
    Map<String, TreeMap<Integer, Long>> packed;
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      packed = packed(jar);
    }
    int feature = Runtime.version().feature();
    for (Map.Entry<String, String[]> type : agents.entrySet()) {
      assertThat(type.getValue()[0]).as(type.getKey()).isEqualTo(own);
      TreeMap<Integer, Long> versions = packed.get(type.getKey());
      assertThat(versions).as(type.getKey() + " in the packed entry").isNotNull();
      Map.Entry<Integer, Long> forThisJvm = versions.floorEntry(feature);
      assertThat(Long.parseLong(type.getValue()[1], 16))
          .as(type.getKey() + " as defined, against the packed record for version " + forThisJvm)
          .isEqualTo(forThisJvm.getValue());
    }
  }

  /**
   * {@return the classes of the jar's packed entry, read as its javadoc in {@code AgentClassLoader}
   * gives the format: for each binary name, the CRC-32 of its class file by the Java version it is
   * for (0: any)}; the agent's own classes must be stored as they are
   */
  private static Map<String, TreeMap<Integer, Long>> packed(JarFile jar) throws IOException {
    JarEntry entry = jar.getJarEntry("META-INF/toolguard/agent.packed");
    assertThat(entry).as("the packed classes").isNotNull();
    assertThat(entry.getMethod()).isEqualTo(java.util.zip.ZipEntry.STORED);
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(jar.getInputStream(entry).readAllBytes());
    assertThat(bytes.getInt()).isEqualTo(0x54474102);
    int count = bytes.getInt();
    int namesLength = bytes.getInt();
    int names = 12 + count * 7 * 4;
    Map<String, TreeMap<Integer, Long>> classes = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      int record = 12 + i * 7 * 4;
      int start = bytes.getInt(record);
      int length = bytes.getInt(record + 4);
      assertThat(start + length).isLessThanOrEqualTo(namesLength);
      String name =
          new String(bytes.array(), names + start, length, java.nio.charset.StandardCharsets.UTF_8);
      if (name.startsWith("io.toolguard.agent.")) {
        // the agent's own classes, which every start loads, stored as they are
        assertThat(bytes.getInt(record + 16)).as(name).isEqualTo(bytes.getInt(record + 20));
      }
      classes
          .computeIfAbsent(name, any -> new TreeMap<>())
          .put(bytes.getInt(record + 8), Integer.toUnsignedLong(bytes.getInt(record + 24)));
    }
    return classes;
  }

  /**
   * {@return the internal name of every class {@code classFile} names: in its signatures, its code,
   * its constants}
   */
  private static Set<String> referencedClasses(byte[] classFile) {
    Set<String> names = new TreeSet<>();
    Remapper collector =
        new Remapper() {
          @Override
          public String map(String internalName) {
            names.add(internalName);
            return internalName;
          }
        };
    new ClassReader(classFile)
        .accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9) {}, collector), 0);
    return names;
  }

  private static boolean bootLoads(String internalName) {
    try {
      Class.forName(internalName.replace('/', '.'), false, null);
      return true;
    } catch (ClassNotFoundException absent) {
      return false;
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

    ChildJvm.Result good =
        ChildJvm.in(dir)
            .jar(
                ChildJvm.AGENT_JAR,
                "validate",
                ChildJvm.POLICIES.resolve("sample-app.yaml").toString());
    ChildJvm.Result bad = ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "validate", "bad.yaml");

    assertThat(good.exitCode()).as(good.toString()).isZero();
    assertThat(good.stdout()).contains("sample-app.yaml: valid (6 tool rules");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.stderr())
        .contains("bad.yaml:1:10: unsupported version '2'; this agent reads 'version: 1'");
  }

  @Test
  void theShippedPolicyTestsPass() throws Exception {
    List<Path> caseFiles;
    try (java.util.stream.Stream<Path> files = Files.list(ChildJvm.POLICIES)) {
      caseFiles =
          files
              .filter(file -> file.getFileName().toString().endsWith(".tests.yaml"))
              .sorted()
              .toList();
    }
    assertThat(caseFiles).isNotEmpty();
    for (Path cases : caseFiles) {
      Path policy =
          cases.resolveSibling(cases.getFileName().toString().replace(".tests.yaml", ".yaml"));

      ChildJvm.Result result =
          ChildJvm.in(dir).jar(ChildJvm.AGENT_JAR, "test", policy.toString(), cases.toString());

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout())
          .as(result.toString())
          .containsPattern("\\d+ passed, 0 failed")
          .doesNotContain("FAIL");
    }
  }

  @Test
  void theJarExplainsADecision() throws Exception {
    ChildJvm.Result result =
        ChildJvm.in(dir)
            .jar(
                ChildJvm.AGENT_JAR,
                "explain",
                ChildJvm.POLICIES.resolve("sample-app.yaml").toString(),
                "--tool",
                "send_email",
                "--arg",
                "to=attacker@evil.example");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .startsWith("tool send_email: deny\n")
        .contains(
            "sample-app.yaml:50 'send_email' (allow, risk MEDIUM, when to matches glob"
                + " \"*@example.com\" (ignoring case)): does not apply, its condition at line 56"
                + " does not hold: 'to' does not satisfy");
  }
}
