package io.toolguard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the classes of {@code io.toolguard.bootstrap} on the bootstrap class path: copies them
 * out of the agent jar into a private temporary jar and appends that, so that only they (and not
 * the shaded libraries) become visible to every class loader. See {@code Dispatcher} for why.
 */
final class BootstrapJar {

  /** Every class of the bootstrap package; named here because none of them may be loaded first. */
  static final List<String> CLASSES = List.of(
      "io/toolguard/bootstrap/Dispatcher.class",
      "io/toolguard/bootstrap/Dispatcher$Hooks.class",
      "io/toolguard/bootstrap/HandOffs.class",
      "io/toolguard/bootstrap/HandOffs$Handed.class",
      "io/toolguard/bootstrap/ToolFrames.class",
      "io/toolguard/bootstrap/ToolFrames$Frame.class",
      "io/toolguard/bootstrap/ToolFrames$Contexts.class");

  private BootstrapJar() {}

  static void appendTo(Instrumentation instrumentation) throws IOException {
    Path bootJar = Files.createTempFile("toolguard-bootstrap-", ".jar");
    bootJar.toFile().deleteOnExit();
    try (JarOutputStream target = new JarOutputStream(Files.newOutputStream(bootJar))) {
      for (String name : CLASSES) {
        try (InputStream in = BootstrapJar.class.getClassLoader().getResourceAsStream(name)) {
          if (in == null) {
            throw new IOException("the agent jar lacks " + name + "; it is damaged, download it again");
          }
          target.putNextEntry(new JarEntry(name));
          in.transferTo(target);
          target.closeEntry();
        }
      }
    }
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootJar.toFile()));
  }
}
