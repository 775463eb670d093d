package io.toolguard.agent.file;

import io.toolguard.agent.tool.ConstantPool;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;

/**
 * The class files of the default file system provider's own classes ({@code sun.nio.fs}), from the
 * class itself up its super classes, as the JDK's image holds them: what {@link FileHooks} decides
 * the provider's hooks on (which methods each declares, which only forward). At JVM start they are
 * read on the thread that reads the woven JDK file ({@code JdkWeaving}), beside the definition of
 * the bootstrap package: the first read from the JDK's image opens its reader, about 6 ms of the
 * weaving thread, for which {@code main} waited. Refers to nothing of the bootstrap package, which
 * is not defined yet there.
 */
public final class ProviderClassFiles {

  private final List<Class<?>> types;

  /** Each type's class file, or {@code null} where it could not be read. */
  private final List<byte[]> files;

  private ProviderClassFiles(List<Class<?>> types, List<byte[]> files) {
    this.types = types;
    this.files = files;
  }

  /** {@return the class files of this JVM's default file system provider's classes} */
  public static ProviderClassFiles read() {
    List<Class<?>> types = new ArrayList<>();
    List<byte[]> files = new ArrayList<>();
    for (Class<?> type = FileSystems.getDefault().provider().getClass();
        type.getName().startsWith("sun.nio.fs.");
        type = type.getSuperclass()) {
      types.add(type);
      // Read from the class file, not by reflection, which loads every type its methods name.
      files.add(ConstantPool.classFile(type));
    }
    return new ProviderClassFiles(List.copyOf(types), files);
  }

  /** {@return the provider's classes, from its own class up} */
  List<Class<?>> types() {
    return types;
  }

  /** {@return the class file of {@code types().get(index)}, or {@code null} if unreadable} */
  byte[] classFile(int index) {
    return files.get(index);
  }
}
