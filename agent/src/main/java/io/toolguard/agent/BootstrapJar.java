package io.toolguard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the classes of {@code io.toolguard.bootstrap} on the bootstrap class path: copies them
 * from the agent jar into a private temporary jar and appends that, so that only they (and not
 * the shaded libraries) become visible to every class loader. See {@code Dispatcher} for why.
 */
final class BootstrapJar {

  private static final String PACKAGE = "io/toolguard/bootstrap/";

  private BootstrapJar() {}

  static void appendTo(Instrumentation instrumentation) throws IOException {
    Path agentJar = agentJar();
    Path bootJar = Files.createTempFile("toolguard-bootstrap-", ".jar");
    bootJar.toFile().deleteOnExit();
    int copied = 0;
    try (JarFile source = new JarFile(agentJar.toFile());
        JarOutputStream target = new JarOutputStream(Files.newOutputStream(bootJar))) {
      for (Enumeration<JarEntry> entries = source.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        if (entry.getName().startsWith(PACKAGE) && entry.getName().endsWith(".class")) {
          target.putNextEntry(new JarEntry(entry.getName()));
          try (InputStream in = source.getInputStream(entry)) {
            in.transferTo(target);
          }
          target.closeEntry();
          copied++;
        }
      }
    }
    if (copied == 0) {
      throw new IOException("the agent jar " + agentJar + " holds no " + PACKAGE + " classes; it is damaged");
    }
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootJar.toFile()));
  }

  private static Path agentJar() throws IOException {
    try {
      Path location = Path.of(BootstrapJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(location)) {
        throw new IOException("the agent must run from its jar, not from " + location);
      }
      return location;
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      throw new IOException("cannot locate the agent jar: " + e, e);
    }
  }
}
