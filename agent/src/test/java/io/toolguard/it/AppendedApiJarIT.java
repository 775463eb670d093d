package io.toolguard.it;

import io.toolguard.it.app.ClassPathAppendingAgent;
import io.toolguard.it.app.InheritedToolApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool annotations' jar put on the class path by another agent after toolguard started: a class
 * that only inherits a tool method is still found, and its calls decided.
 */
class AppendedApiJarIT {

  @TempDir Path dir;

  @Test
  void aToolInheritedFromAnAnnotationJarAnotherAgentAppendedIsStillDecided() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), InheritedBurns.POLICY);
    Path app = dir.resolve("app.jar");
    jar(
        app,
        null,
        InheritedToolApp.class,
        InheritedToolApp.Tools.class,
        InheritedToolApp.Impl.class,
        ClassPathAppendingAgent.class);
    Path appending = dir.resolve("appending-agent.jar");
    // empty: its class is on the class path, in app.jar
    jar(appending, ClassPathAppendingAgent.class);
    Path api = apiJar();
    String second = "-javaagent:" + appending + "=" + api;

    // Without toolguard, the tool runs.
    InheritedBurns.assertBurned(
        ChildJvm.in(dir).jvmArg(second).main(app.toString(), InheritedToolApp.class.getName()),
        dir);

    // With toolguard first, the other agent's class loads before the jar is on the class path.
    InheritedBurns.assertDenied(
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .jvmArg(second)
            .main(app.toString(), InheritedToolApp.class.getName()),
        dir);
  }

  /** {@return the tool annotations' classes in a jar of their own} */
  private Path apiJar() throws IOException {
    Path api = ChildJvm.apiJar();
    if (Files.isRegularFile(api)) {
      return api;
    }
    Path jar = dir.resolve("api.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(api)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(api.relativize(file).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(file));
        out.closeEntry();
      }
    }
    return jar;
  }

  /** Writes a jar of these classes' files, with a {@code Premain-Class} if one is given. */
  private static void jar(Path jar, Class<?> premain, Class<?>... classes) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (premain != null) {
      manifest.getMainAttributes().putValue("Premain-Class", premain.getName());
    }
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Class<?> type : List.of(classes)) {
        String name = type.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(name));
        out.write(Files.readAllBytes(ChildJvm.testClasses().resolve(name)));
        out.closeEntry();
      }
    }
  }
}
