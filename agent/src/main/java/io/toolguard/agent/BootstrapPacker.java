package io.toolguard.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Run by the build, never by the agent: packs what {@link BootstrapJar#define} needs into one file,
 * {@link BootstrapJar#PACKED}, so that the start-up only reads it. Everything in it depends on the
 * agent's own class files alone, never on the JVM that will run them, so it is computed once here
 * instead of at every start: the class of {@link BootDefiner} (generated with ASM, as javac will
 * not name {@code jdk.internal.misc} for {@code --release 17}), and every class of the bootstrap
 * package in the order the bootstrap loader must define them (each after its super class and
 * interfaces, found with an ASM {@code ClassReader} per class). At start-up that took ASM's writer
 * and a reader per class, interpreted, on the thread that weaves the JDK.
 *
 * <p>The file, written with {@link DataOutputStream}: the int {@link BootstrapJar#MAGIC}; the
 * definer's class file; the int count of the package's classes; then each class, its binary name
 * (modified UTF-8) and its class file. A class file is an int length, the int CRC-32 of its bytes
 * and its bytes: the bootstrap loader does not verify what it defines, so a damaged byte must be
 * caught before. The same class files give the same bytes (the set is sorted, the order derived
 * from it), which {@code BootstrapPackerTest} checks against the file the build wrote; the build
 * leaves this class out of the agent jar.
 */
public final class BootstrapPacker {

  private static final String UNSAFE = "jdk/internal/misc/Unsafe";

  private static final String CDS = "jdk/internal/misc/CDS";

  private BootstrapPacker() {}

  /**
   * Writes the packed file for a folder of compiled classes.
   *
   * @param args the folder of classes (the build's {@code target/classes}), and the file to write
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "give the folder of compiled classes and the file to write, not " + List.of(args));
    }
    Path classes = Path.of(args[0]);
    Path target = Path.of(args[1]);
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.write(target, pack(classFiles(classes)));
  }

  /**
   * {@return every file under {@link BootstrapJar#PACKAGE} in {@code classes}, by entry name}
   *
   * @throws IOException if it cannot be read, or holds no {@code Dispatcher}
   */
  public static Map<String, byte[]> classFiles(Path classes) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    Path folder = classes.resolve(BootstrapJar.PACKAGE);
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
          entries.put(
              BootstrapJar.PACKAGE
                  + folder
                      .relativize(file)
                      .toString()
                      .replace(file.getFileSystem().getSeparator(), "/"),
              Files.readAllBytes(file));
        }
      }
    }
    if (!entries.containsKey(BootstrapJar.PACKAGE + "Dispatcher.class")) {
      throw new IOException(
          classes + " lacks " + BootstrapJar.PACKAGE + "Dispatcher.class; compile it first");
    }
    return entries;
  }

  /**
   * {@return the packed file for the bootstrap package's files {@code entries} (by entry name; a
   * file that is not a class is left out)}
   */
  public static byte[] pack(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(BootstrapJar.MAGIC);
      writeClassFile(out, definerClassFile());
      Map<String, byte[]> ordered = inDefinitionOrder(entries);
      out.writeInt(ordered.size());
      for (Map.Entry<String, byte[]> type : ordered.entrySet()) {
        out.writeUTF(type.getKey());
        writeClassFile(out, type.getValue());
      }
    }
    return bytes.toByteArray();
  }

  private static void writeClassFile(DataOutputStream out, byte[] classFile) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(classFile);
    out.writeInt(classFile.length);
    out.writeInt((int) crc.getValue());
    out.write(classFile);
  }

  /**
   * {@return the classes of {@code entries} by binary name, each after its super class and
   * interfaces of the same package, which the bootstrap loader must already hold to define it}
   */
  static Map<String, byte[]> inDefinitionOrder(Map<String, byte[]> entries) {
    Map<String, byte[]> byName = new TreeMap<>();
    Map<String, List<String>> supertypes = new TreeMap<>();
    for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
      String file = entry.getKey();
      if (!file.endsWith(".class")) {
        continue;
      }
      String internalName = file.substring(0, file.length() - ".class".length());
      ClassReader reader = new ClassReader(entry.getValue());
      List<String> mine = new ArrayList<>();
      if (reader.getSuperName() != null) {
        mine.add(reader.getSuperName());
      }
      mine.addAll(List.of(reader.getInterfaces()));
      byName.put(internalName, entry.getValue());
      supertypes.put(internalName, mine);
    }
    Map<String, byte[]> ordered = new LinkedHashMap<>();
    for (String name : byName.keySet()) {
      addAfterSupertypes(name, byName, supertypes, ordered, new ArrayList<>());
    }
    return ordered;
  }

  private static void addAfterSupertypes(
      String internalName,
      Map<String, byte[]> byName,
      Map<String, List<String>> supertypes,
      Map<String, byte[]> ordered,
      List<String> path) {
    String binaryName = internalName.replace('/', '.');
    if (ordered.containsKey(binaryName) || !byName.containsKey(internalName)) {
      return;
    }
    if (path.contains(internalName)) {
      throw new IllegalStateException("the bootstrap classes inherit in a circle: " + path);
    }
    path.add(internalName);
    for (String supertype : supertypes.get(internalName)) {
      addAfterSupertypes(supertype, byName, supertypes, ordered, path);
    }
    path.remove(path.size() - 1);
    ordered.put(binaryName, byName.get(internalName));
  }

  /**
   * {@return the definer's class file: {@code public final class GeneratedBootDefiner implements
   * BiFunction, BooleanSupplier}, whose {@code apply(name, bytes)} returns {@code
   * Unsafe.getUnsafe().defineClass(name, bytes, 0, bytes.length, null, null)} and whose {@code
   * getAsBoolean()} returns {@code CDS.isDumpingArchive()}}
   */
  static byte[] definerClassFile() {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER,
        BootDefiner.NAME,
        null,
        "java/lang/Object",
        new String[] {"java/util/function/BiFunction", "java/util/function/BooleanSupplier"});
    MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    MethodVisitor apply =
        writer.visitMethod(
            Opcodes.ACC_PUBLIC,
            "apply",
            "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
            null,
            null);
    apply.visitCode();
    apply.visitMethodInsn(Opcodes.INVOKESTATIC, UNSAFE, "getUnsafe", "()L" + UNSAFE + ";", false);
    apply.visitVarInsn(Opcodes.ALOAD, 1);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
    apply.visitVarInsn(Opcodes.ALOAD, 2);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
    apply.visitInsn(Opcodes.ICONST_0);
    apply.visitVarInsn(Opcodes.ALOAD, 2);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
    apply.visitInsn(Opcodes.ARRAYLENGTH);
    apply.visitInsn(Opcodes.ACONST_NULL);
    apply.visitInsn(Opcodes.ACONST_NULL);
    apply.visitMethodInsn(
        Opcodes.INVOKEVIRTUAL,
        UNSAFE,
        "defineClass",
        "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)"
            + "Ljava/lang/Class;",
        false);
    apply.visitInsn(Opcodes.ARETURN);
    apply.visitMaxs(0, 0);
    apply.visitEnd();
    MethodVisitor archiving =
        writer.visitMethod(Opcodes.ACC_PUBLIC, "getAsBoolean", "()Z", null, null);
    archiving.visitCode();
    archiving.visitMethodInsn(Opcodes.INVOKESTATIC, CDS, "isDumpingArchive", "()Z", false);
    archiving.visitInsn(Opcodes.IRETURN);
    archiving.visitMaxs(0, 0);
    archiving.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}
