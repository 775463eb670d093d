package io.toolguard.agent.tool;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * Reads the class files of loaded classes from the jar each was defined from (its code source),
 * each jar opened once for a whole batch. At a start from an AOT cache most of the application's
 * classes are loaded before {@code premain} (about 1,600 in the LangChain4j example), and reading
 * each as a class not loaded yet is read ({@link ToolClassFilter#definedClassFile}: a URL and a
 * connection per class) took about 100 ms of {@code premain}. A jar is opened as the JDK's class
 * loaders open it (multi-release entries for this JVM's version), and shares the JDK's open copy of
 * its central directory. A class of another loader, one whose code source is no jar file, or one
 * whose jar has no such entry (a class made at run time), is read as {@code definedClassFile} reads
 * it.
 */
final class LoadedClassFiles implements AutoCloseable {

  private final ToolClassFilter filter;

  /** The jars opened, by code-source location; {@code null} for a location that is not one. */
  private final Map<URL, JarFile> jars = new HashMap<>();

  LoadedClassFiles(ToolClassFilter filter) {
    this.filter = filter;
  }

  /**
   * {@return the class file of the loaded class {@code type}, or {@code null} if none is found}
   *
   * @param type a class of a class loader, not of the bootstrap loader
   */
  byte[] read(Class<?> type, String internalName) {
    // Only the JDK's application class loader's code sources are taken to tell where its classes
    // came from; a loader of the application's own is asked for its class file, as before.
    if (ToolClassFilter.isJdkApplicationLoader(type.getClassLoader())) {
      try {
        JarFile jar = jarOf(type);
        JarEntry entry = jar == null ? null : jar.getJarEntry(internalName + ".class");
        if (entry != null) {
          try (InputStream in = jar.getInputStream(entry)) {
            return ClassFileReads.whole(in);
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        // (a security manager that refuses toolguard the code source, say) read as a class not
        // loaded yet, below
      }
    }
    return filter.definedClassFile(type.getClassLoader(), internalName);
  }

  private JarFile jarOf(Class<?> type) {
    ProtectionDomain domain = type.getProtectionDomain();
    CodeSource source = domain == null ? null : domain.getCodeSource();
    URL location = source == null ? null : source.getLocation();
    if (location == null || !"file".equals(location.getProtocol())) {
      return null;
    }
    if (jars.containsKey(location)) {
      return jars.get(location);
    }
    JarFile jar = null;
    try {
      File file = new File(location.toURI());
      if (file.isFile()) {
        jar = new JarFile(file, false, ZipFile.OPEN_READ, JarFile.runtimeVersion());
      }
    } catch (IOException | URISyntaxException | RuntimeException notAJar) {
      jar = null;
    }
    jars.put(location, jar);
    return jar;
  }

  @Override
  public void close() {
    for (JarFile jar : jars.values()) {
      if (jar != null) {
        try {
          jar.close();
        } catch (IOException ignored) {
          // read only; nothing is lost
        }
      }
    }
    jars.clear();
  }
}
