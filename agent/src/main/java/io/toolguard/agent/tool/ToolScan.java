package io.toolguard.agent.tool;

import io.toolguard.agent.guard.ToolMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Finds the tools in class files on a class path, for the command line ({@code validate} and {@code
 * explain} with {@code --classpath}): the same annotations and parameter names as the agent uses at
 * run time ({@link ToolAnnotations}), read from the class files with ASM ({@link ClassModel}), so
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
    List<Function<String, byte[]>> locators = new ArrayList<>();
    List<JarFile> jars = new ArrayList<>();
    try {
      for (Path entry : classPath) {
        if (Files.isDirectory(entry)) {
          locators.add(internalName -> inFolder(entry, internalName));
        } else if (Files.isRegularFile(entry)) {
          JarFile jar = new JarFile(entry.toFile());
          jars.add(jar);
          locators.add(internalName -> inJar(jar, internalName));
        } else {
          throw new IOException(entry + ": no such jar or folder on the class path");
        }
      }
      locators.add(
          internalName ->
              ToolClassFilter.classFile(ClassLoader.getPlatformClassLoader(), internalName));
      ClassModels pool =
          new ClassModels(
              internalName -> {
                for (Function<String, byte[]> locator : locators) {
                  byte[] found = locator.apply(internalName);
                  if (found != null) {
                    return found;
                  }
                }
                return null;
              });
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

  private static byte[] inFolder(Path folder, String internalName) {
    Path file = folder.resolve(internalName + ".class");
    try {
      return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
    } catch (IOException unreadable) {
      return null;
    }
  }

  private static byte[] inJar(JarFile jar, String internalName) {
    JarEntry entry = jar.getJarEntry(internalName + ".class");
    if (entry == null) {
      return null;
    }
    try (InputStream in = jar.getInputStream(entry)) {
      return in.readAllBytes();
    } catch (IOException unreadable) {
      return null;
    }
  }

  /**
   * {@return whether the class file may put annotations on the class or its methods}: one that puts
   * none declares no tool, and is not read with ASM; one this cannot tell of is
   */
  private static boolean annotated(byte[] classFile) {
    List<String> types = ToolClassFilter.annotationTypes(ConstantPool.read(classFile));
    return types == null || !types.isEmpty();
  }

  private static void scan(
      ClassModels pool,
      ToolAnnotations annotations,
      String fileName,
      byte[] classFile,
      List<ToolMethod> tools) {
    String name = fileName.substring(0, fileName.length() - ".class".length());
    if (name.endsWith("module-info") || name.endsWith("package-info") || !annotated(classFile)) {
      return;
    }
    try {
      ClassModel type = ClassModel.read(classFile, true);
      List<ClassModel.MethodModel> methods = new ArrayList<>();
      for (ClassModel.MethodModel method : type.methods()) {
        // Abstract methods too: an interface's tool is a tool of every class implementing it.
        if (!method.is(Opcodes.ACC_BRIDGE) && !method.name().startsWith("<")) {
          methods.add(method);
        }
      }
      for (ToolAnnotations.Found found : annotations.toolsOf(type, methods, pool)) {
        tools.add(found.tool());
      }
    } catch (IllegalArgumentException unreadable) {
      // A class file ASM cannot read declares no tool we know.
    }
  }
}
