package io.toolguard.agent.tool;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.toolguard.agent.guard.ToolMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Finds the tools in class files on a class path, for the command line ({@code validate} and {@code
 * explain} with {@code --classpath}): the same annotations and parameter names as the agent uses at
 * run time ({@link ToolAnnotations}), read from the class files with Byte Buddy's type pool, so
 * that no class of the application is loaded or initialised. Methods that declare a tool without a
 * body (an interface's, which an implementing class's method becomes at run time) are found too,
 * with the parameter names of the declaration.
 */
public final class ToolScan {

  private ToolScan() {}

  /**
   * {@return the tool methods declared in the class files of these jars and folders}
   *
   * @param classPath jars and folders, the application's and its frameworks' (an annotation's
   *     attributes are read from its own class file)
   * @param listedAnnotations further tool annotations, by name, from the policy
   * @throws IOException if an entry cannot be read
   */
  public static List<ToolMethod> toolsIn(List<Path> classPath, List<String> listedAnnotations)
      throws IOException {
    ToolAnnotations annotations = new ToolAnnotations(listedAnnotations);
    List<ClassFileLocator> locators = new ArrayList<>();
    List<JarFile> jars = new ArrayList<>();
    try {
      for (Path entry : classPath) {
        if (Files.isDirectory(entry)) {
          locators.add(new ClassFileLocator.ForFolder(entry.toFile()));
        } else if (Files.isRegularFile(entry)) {
          JarFile jar = new JarFile(entry.toFile());
          jars.add(jar);
          locators.add(new ClassFileLocator.ForJarFile(jar));
        } else {
          throw new IOException(entry + ": no such jar or folder on the class path");
        }
      }
      locators.add(ClassFileLocator.ForClassLoader.ofPlatformLoader());
      TypePool pool =
          new TypePool.Default(
              new TypePool.CacheProvider.Simple(),
              new ClassFileLocator.Compound(locators),
              TypePool.Default.ReaderMode.EXTENDED);
      List<ToolMethod> tools = new ArrayList<>();
      int jar = 0;
      for (Path entry : classPath) {
        if (Files.isDirectory(entry)) {
          try (Stream<Path> files = Files.walk(entry)) {
            for (Path file : (Iterable<Path>) files::iterator) {
              String relative = entry.relativize(file).toString().replace('\\', '/');
              if (relative.endsWith(".class") && Files.isRegularFile(file)) {
                scan(pool, annotations, relative, Files.readAllBytes(file), tools);
              }
            }
          }
        } else {
          JarFile file = jars.get(jar++);
          Enumeration<JarEntry> entries = file.entries();
          while (entries.hasMoreElements()) {
            JarEntry classFile = entries.nextElement();
            if (classFile.getName().endsWith(".class")
                && !classFile.getName().startsWith("META-INF/")) {
              try (InputStream in = file.getInputStream(classFile)) {
                scan(pool, annotations, classFile.getName(), in.readAllBytes(), tools);
              }
            }
          }
        }
      }
      return tools;
    } finally {
      for (JarFile jar : jars) {
        jar.close();
      }
    }
  }

  private static void scan(
      TypePool pool,
      ToolAnnotations annotations,
      String fileName,
      byte[] classFile,
      List<ToolMethod> tools) {
    String name = fileName.substring(0, fileName.length() - ".class".length()).replace('/', '.');
    if (name.endsWith("module-info")
        || name.endsWith("package-info")
        || !annotations.mayBeNamedIn(classFile)) {
      return;
    }
    try {
      TypeDescription type = pool.describe(name).resolve();
      tools.addAll(
          annotations
              .toolsOf(
                  type,
                  type.getDeclaredMethods()
                      .filter(
                          not(isBridge()).and(not(isConstructor())).and(not(isTypeInitializer()))))
              .values());
    } catch (IllegalStateException | LinkageError unreadable) {
      // A class whose hierarchy or annotations are not on the class path declares no tool we know.
    }
  }
}
