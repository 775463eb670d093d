package io.toolguard.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Run by the build on the shaded agent jar, never by the agent: adds to the jar the entry {@link
 * AgentClassLoader#PACKED}, stored, in which {@link AgentClassLoader} finds the agent's classes
 * (its javadoc gives the format and why). Every class file under {@code io/toolguard/agent/} and
 * {@code io/toolguard/shaded/}, and each of their multi-release versions, is packed, but {@code
 * ToolGuardAgent} and {@code AgentClassLoader}, which the application class loader loads. The
 * packed classes' own entries are left out: the application class loader, which has the jar on its
 * class path, then finds no copy of them. The jar's other entries are copied as they are, in their
 * order, and the packed entry written last, where the loader finds its bytes without the jar's
 * stream. The build leaves this class out of the agent jar.
 */
public final class AgentPacker {

  private static final String CLASS = ".class";

  private static final String VERSIONS = "META-INF/versions/";

  /** The folders whose classes are packed: all inside {@link AgentClassLoader#PACKED_PACKAGES}. */
  private static final List<String> PACKED_FOLDERS =
      List.of(
          AgentClassLoader.PACKED_PACKAGES.replace('.', '/') + "agent/",
          AgentClassLoader.PACKED_PACKAGES.replace('.', '/') + "shaded/");

  /**
   * The classes stored as they are, the agent's own (binary names): a hello world loads about 150
   * of its 340, and inflating them cost about 9 ms of CPU on {@code premain}'s thread and the
   * weaving thread, which share two cores on the CI machine; the jar is about 0.8 MB larger for it.
   * The libraries' classes, of which a start loads none or few, are deflated each alone (stored as
   * they are too where deflating does not make one shorter).
   */
  static final String AS_THEY_ARE = AgentClassLoader.PACKED_PACKAGES + "agent.";

  private AgentPacker() {}

  /** One class file to pack. */
  record Packed(String binaryName, int version, byte[] classFile) {}

  /**
   * Adds the packed entry to the agent jar, in place.
   *
   * @param args the agent jar the shade plugin made
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("give the agent jar, not " + List.of(args));
    }
    Path jar = Path.of(args[0]);
    Path written = jar.resolveSibling(jar.getFileName() + ".packing");
    List<Packed> classes = new ArrayList<>();
    try (ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(written))) {
      for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        if (entry.getName().equals(AgentClassLoader.PACKED)) {
          continue;
        }
        byte[] bytes;
        try (InputStream read = in.getInputStream(entry)) {
          bytes = read.readAllBytes();
        }
        Packed packed = packed(entry.getName(), bytes);
        if (packed != null) {
          classes.add(packed);
          continue;
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
      byte[] pack = pack(classes);
      ZipEntry entry = new ZipEntry(AgentClassLoader.PACKED);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(pack.length);
      entry.setCompressedSize(pack.length);
      CRC32 crc = new CRC32();
      crc.update(pack);
      entry.setCrc(crc.getValue());
      out.putNextEntry(entry);
      out.write(pack);
      out.closeEntry();
    }
    Files.move(written, jar, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * {@return the entry as a class to pack, or null if it is not one}
   *
   * @param name the entry's name in the jar
   */
  static Packed packed(String name, byte[] classFile) {
    if (!name.endsWith(CLASS)) {
      return null;
    }
    int version = 0;
    String path = name;
    if (name.startsWith(VERSIONS)) {
      int slash = name.indexOf('/', VERSIONS.length());
      if (slash < 0) {
        return null;
      }
      try {
        version = Integer.parseInt(name.substring(VERSIONS.length(), slash));
      } catch (NumberFormatException notAVersion) {
        return null;
      }
      path = name.substring(slash + 1);
    }
    String internal = path.substring(0, path.length() - CLASS.length());
    if (PACKED_FOLDERS.stream().noneMatch(internal::startsWith)
        || internal.equals(AgentClassLoader.ENTRY_POINT)
        || internal.equals(AgentClassLoader.SELF)
        || internal.startsWith(AgentClassLoader.SELF + "$")) {
      return null;
    }
    return new Packed(internal.replace('/', '.'), version, classFile);
  }

  /** {@return the packed entry's bytes for these classes} */
  static byte[] pack(List<Packed> classes) throws IOException {
    List<Packed> sorted = new ArrayList<>(classes);
    sorted.sort(
        Comparator.<Packed, byte[]>comparing(
                packed -> packed.binaryName().getBytes(StandardCharsets.UTF_8),
                Arrays::compareUnsigned)
            .thenComparing(Packed::version, Comparator.reverseOrder()));
    ByteArrayOutputStream names = new ByteArrayOutputStream();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    DataOutputStream records = new DataOutputStream(index);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      for (Packed packed : sorted) {
        byte[] name = packed.binaryName().getBytes(StandardCharsets.UTF_8);
        byte[] classFile = packed.classFile();
        byte[] stored = classFile;
        if (!packed.binaryName().startsWith(AS_THEY_ARE)) {
          byte[] deflated = deflate(deflater, classFile);
          // One no shorter is stored as it is: equal lengths tell the loader so.
          stored = deflated.length < classFile.length ? deflated : classFile;
        }
        CRC32 crc = new CRC32();
        crc.update(classFile);
        records.writeInt(names.size());
        records.writeInt(name.length);
        records.writeInt(packed.version());
        records.writeInt(data.size());
        records.writeInt(stored.length);
        records.writeInt(classFile.length);
        records.writeInt((int) crc.getValue());
        names.write(name);
        data.write(stored);
      }
    } finally {
      deflater.end();
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(file);
    out.writeInt(AgentClassLoader.MAGIC);
    out.writeInt(sorted.size());
    out.writeInt(names.size());
    index.writeTo(out);
    names.writeTo(out);
    data.writeTo(out);
    out.flush();
    return file.toByteArray();
  }

  private static byte[] deflate(Deflater deflater, byte[] classFile) {
    deflater.reset();
    deflater.setInput(classFile);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    return out.toByteArray();
  }
}
