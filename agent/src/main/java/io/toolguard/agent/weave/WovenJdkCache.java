package io.toolguard.agent.weave;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The hooked JDK classes as an earlier start wove them, kept in a file beside the agent jar, so
 * that a start need not weave them again: weaving them (ASM reading and rewriting about 90 classes,
 * 1.2 MB of class files) is the largest part of the agent's start-up, about 100 ms and 11 MB of
 * heap.
 *
 * <p>Why the file can be trusted. What it holds becomes the JDK's code, so whoever could write it
 * could switch every check off at the next start. It is used only where writing it takes what
 * replacing the agent jar takes: a regular file (not a link) in the jar's own folder, owned by the
 * jar's owner, with no group or other write permission; read, then looked at again to be sure it is
 * still the file that was looked at. Inside the JVM no tool may touch it whatever its grants (it is
 * one of toolguard's {@code ProtectedFiles}), and the kernel sandbox hands no process a rule that
 * reaches it.
 *
 * <p>Why a class in it can be used. A class is taken only when everything its weaving depended on
 * is the same: the agent jar (the CRC-32 and length of its central directory, which holds every
 * entry's CRC-32 and size), the JDK (its home, name, version and vendor: in the file's name and in
 * it), the class's hooks as they describe themselves, and the class file the JVM hands over now
 * (its length, CRC-32 and Adler-32). Anything else is woven as if there were no file. A whole
 * file's CRC-32 finds one cut short or damaged. Only the start, and the classes it leaves for later
 * ({@code JdkWeaver.Rest}), use it: a class another agent retransforms later is always woven
 * afresh.
 *
 * <p>When it is written: where a start wove any class afresh and found every hook, at its end, on
 * the thread that weaves, before {@code main}; where it left classes for later, at the end of
 * {@code premain}, and again once those are woven, before any tool runs. Into a new file in the
 * same folder, renamed over the old one, so that a reader sees one whole file or the other; such a
 * new file a JVM left behind as it ended mid-write is deleted by the next write. A folder this JVM
 * may not write to, or a file that would not be the jar's owner's, is no error: each start then
 * weaves, as without the file.
 */
public final class WovenJdkCache {

  /**
   * The system property that turns the file off ({@code -Dtoolguard.woven_jdk=off}): neither read
   * nor written. Read as {@code premain} starts, before the application's {@code main}.
   */
  public static final String SWITCH = "toolguard.woven_jdk";

  /**
   * No file: the agent runs from a folder of classes, when attached, turned off, or for a dry run.
   */
  public static final WovenJdkCache NONE = new WovenJdkCache(null, null, 0, "", null);

  private static final byte[] MAGIC =
      "toolguard woven JDK classes 1\n".getBytes(StandardCharsets.UTF_8);

  /** A file larger than this is not read: the JDK's hooked classes take about 1.4 MB. */
  private static final long LARGEST = 16L << 20;

  private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  private static final int END_RECORD = 22;

  private static final int FILE_TYPE = 0170000;
  private static final int REGULAR_FILE = 0100000;
  private static final int GROUP_OR_OTHER_WRITE = 0022;

  /** What follows the jar's name in the files' names, before the JDK's CRC-32. */
  private static final String NAMED = ".woven-jdk-";

  private static final String ATTRIBUTES = "unix:uid,mode,ino,dev,size,lastModifiedTime";

  /** The most classes a file may hold: about 90 hooked classes, {@link #VARIANTS} each. */
  private static final int MOST_CLASSES = 1024;

  /**
   * One woven class.
   *
   * @param length the length of the class file it was woven from
   * @param crc that class file's CRC-32
   * @param adler that class file's Adler-32
   * @param hooks the CRC-32 and length of the description of the hooks it was woven with
   * @param classFile the woven class file: the array it was read or woven into, handed to the JVM
   *     as it is (the JVM copies what a transformer hands it; nothing writes to it)
   */
  record Woven(int length, int crc, int adler, long hooks, byte[] classFile) {

    /** {@return whether this was woven from {@code other}'s class file with its hooks} */
    boolean sameSource(Woven other) {
      return length == other.length
          && crc == other.crc
          && adler == other.adler
          && hooks == other.hooks;
    }
  }

  /**
   * The most class files kept for one class. A class the JVM defines before the agent weaves it is
   * handed over as the JVM rebuilds it from what it loaded, one it loads later as its class file
   * is, and which comes first can change from start to start (the application's {@code main} and
   * {@code premain} load classes beside the weaving).
   */
  private static final int VARIANTS = 4;

  private final Path file;

  /** The agent jar's owner, whose file alone is trusted. */
  private final Object owner;

  private final long jar;
  private final String jdk;

  /** The classes the file held, by internal name; null once the start is over. */
  private volatile Map<String, List<Woven>> kept;

  /** The classes woven at this start, kept or afresh: what a file written now holds. */
  private final Map<String, Woven> now = new ConcurrentHashMap<>();

  /** Whether any class was woven afresh at this start, so that the file is written again. */
  private volatile boolean fresh;

  private WovenJdkCache(
      Path file, Object owner, long jar, String jdk, Map<String, List<Woven>> kept) {
    this.file = file;
    this.owner = owner;
    this.jar = jar;
    this.jdk = jdk;
    this.kept = kept;
  }

  /**
   * {@return the woven classes kept beside {@code agentJar} for this JDK (none if there is no such
   * file, or it is not to be trusted or used), ready to keep what this start weaves}
   */
  public static WovenJdkCache open(Path agentJar) {
    try {
      Path real = agentJar.toRealPath();
      Map<String, Object> owner = attributes(real);
      if (!isRegular(owner)) {
        return NONE;
      }
      long identity = jarIdentity(real);
      String jdk = thisJdk();
      if (identity == 0 || !sameFile(owner, attributes(real)) || !openInThisJvm(owner)) {
        // Not the jar this JVM opened as it started (replaced by an upgrade meanwhile, say): its
        // code is what runs, and the path's jar would name it.
        return NONE;
      }
      Path file = fileFor(real, jdk);
      return new WovenJdkCache(
          file, owner.get("uid"), identity, jdk, read(file, owner, identity, jdk));
    } catch (IOException | RuntimeException | VirtualMachineError unusable) {
      // The start weaves every class, as without the file (a small heap cannot hold it, say).
      return NONE;
    }
  }

  /**
   * {@return whether this JVM holds the file of attributes {@code jar} open}: its class loader
   * keeps open the jar it loaded toolguard's code from, so a jar at the same path that is not open
   * (an upgrade renamed into place after the JVM started) is not the code that runs
   */
  private static boolean openInThisJvm(Map<String, Object> jar) throws IOException {
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path descriptor : descriptors) {
        Map<String, Object> open;
        try {
          // The link followed: the file the descriptor holds open.
          open = Files.readAttributes(descriptor, "unix:ino,dev");
        } catch (IOException closed) {
          continue;
        }
        if (open.get("ino").equals(jar.get("ino")) && open.get("dev").equals(jar.get("dev"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@return the file that keeps the woven JDK classes for this JDK beside {@code agentJar}} */
  static Optional<Path> fileFor(Path agentJar) {
    try {
      return Optional.of(fileFor(agentJar.toRealPath(), thisJdk()));
    } catch (IOException | RuntimeException unknown) {
      return Optional.empty();
    }
  }

  /**
   * {@return how the names of the files that keep the woven JDK classes beside {@code agentJar}
   * begin, one file per JDK}: no tool may touch any of them, another JDK's included (a tool could
   * write the one that JDK reads at its next start)
   */
  public static Optional<Path> filesFor(Path agentJar) {
    try {
      Path real = agentJar.toRealPath();
      return Optional.of(real.resolveSibling(real.getFileName() + NAMED));
    } catch (IOException | RuntimeException unknown) {
      return Optional.empty();
    }
  }

  private static Path fileFor(Path realJar, String jdk) {
    CRC32 crc = new CRC32();
    crc.update(jdk.getBytes(StandardCharsets.UTF_8));
    String hex = Long.toHexString(crc.getValue() | (1L << 32)).substring(1);
    return realJar.resolveSibling(realJar.getFileName() + NAMED + hex);
  }

  /** {@return what names this JDK: another one's classes are not this one's} */
  static String thisJdk() {
    return System.getProperty("java.home")
        + "\n"
        + System.getProperty("java.vm.name")
        + "\n"
        + System.getProperty("java.vm.version")
        + "\n"
        + System.getProperty("java.vm.vendor");
  }

  /**
   * {@return whether an earlier start from this JDK kept any class as woven}: where it did, the
   * hooked classes not loaded yet are left for later, and the JDK's weaving may run beside {@code
   * main}; where not, this start weaves them all, and keeps them, before {@code main}
   */
  public boolean holdsAny() {
    Map<String, List<Woven>> held = kept;
    return held != null && !held.isEmpty();
  }

  /** {@return whether an earlier start from this JDK kept {@code internalName} as woven} */
  boolean holds(String internalName) {
    Map<String, List<Woven>> held = kept;
    return held != null && held.containsKey(internalName);
  }

  /**
   * {@return the class {@code internalName} as woven at an earlier start from the same class file
   * with the same hooks, or null}
   */
  byte[] woven(String internalName, byte[] classFile, List<Hook> hooks) {
    Map<String, List<Woven>> held = kept;
    List<Woven> variants = held == null ? null : held.get(internalName);
    if (variants == null) {
      fresh = true;
      return null;
    }
    Woven source =
        new Woven(classFile.length, crc(classFile), adler(classFile), describe(hooks), null);
    for (Woven woven : variants) {
      if (woven.sameSource(source)) {
        now.put(internalName, woven);
        return woven.classFile();
      }
    }
    fresh = true;
    return null;
  }

  /** Keeps {@code woven}, just woven from {@code classFile} with {@code hooks}, for the file. */
  void wove(String internalName, byte[] classFile, List<Hook> hooks, byte[] woven) {
    if (kept == null) {
      return;
    }
    fresh = true;
    now.put(
        internalName,
        new Woven(classFile.length, crc(classFile), adler(classFile), describe(hooks), woven));
  }

  /**
   * The start is over and every hooked class was woven: writes the file if any class was woven
   * afresh, and lets go of what it held.
   */
  void startWoven() {
    Map<String, List<Woven>> held = kept;
    kept = null;
    try {
      writeIfFresh(held);
    } finally {
      now.clear();
    }
  }

  /**
   * {@code premain} is over, and the hooked classes not loaded yet are woven later: if any class
   * was woven afresh, writes the file now, holding those later ones as the file held them (an
   * application may never get to them), and keeps what it held for them.
   */
  void premainDone() {
    writeIfFresh(kept);
  }

  private void writeIfFresh(Map<String, List<Woven>> held) {
    if (held == null || !fresh || file == null) {
      return;
    }
    fresh = false;
    try {
      write(held);
    } catch (IOException | RuntimeException | VirtualMachineError notWritten) {
      // A folder this JVM may not write to: the next start weaves again.
    }
  }

  /** The start failed or is over: lets go of what the file held. */
  void release() {
    kept = null;
    now.clear();
  }

  private void write(Map<String, List<Woven>> held) throws IOException {
    deleteLeftBehind();
    Path temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".new");
    try {
      if (!attributes(temporary).get("uid").equals(owner)) {
        // Written by another user than the jar's owner, it would not be trusted.
        return;
      }
      try (OutputStream out =
          Channels.newOutputStream(
              FileChannel.open(temporary, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
        write(out, jar, jdk, toKeep(held));
      }
      // Through a view that follows no link: the temporary file, not what a link would lead to.
      Files.getFileAttributeView(temporary, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setPermissions(
              EnumSet.of(
                  PosixFilePermission.OWNER_READ,
                  PosixFilePermission.OWNER_WRITE,
                  PosixFilePermission.GROUP_READ,
                  PosixFilePermission.OTHERS_READ));
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Deletes the new files a JVM that ended mid-write left beside the file (the write may run on a
   * daemon thread after {@code main}): regular files of the jar's owner named as {@link #write}
   * names them. One another JVM is writing right now is deleted too; that JVM's rename then fails,
   * and this one's file is written.
   */
  private void deleteLeftBehind() throws IOException {
    String prefix = file.getFileName() + ".";
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(file.getParent())) {
      for (Path sibling : siblings) {
        String name = sibling.getFileName().toString();
        if (!name.startsWith(prefix) || !name.endsWith(".new")) {
          continue;
        }
        Map<String, Object> attributes;
        try {
          attributes = attributes(sibling);
        } catch (IOException gone) {
          continue;
        }
        if (isRegular(attributes) && attributes.get("uid").equals(owner)) {
          Files.deleteIfExists(sibling);
        }
      }
    }
  }

  /**
   * {@return the classes a file written now holds}: each class as woven at this start, then as
   * woven from other class files of it at earlier starts ({@link #VARIANTS} at most); a class not
   * woven yet at this start as the file held it
   */
  private Map<String, List<Woven>> toKeep(Map<String, List<Woven>> held) {
    Map<String, List<Woven>> classes = new TreeMap<>();
    for (Map.Entry<String, List<Woven>> entry : held.entrySet()) {
      if (!now.containsKey(entry.getKey())) {
        classes.put(entry.getKey(), entry.getValue());
      }
    }
    for (Map.Entry<String, Woven> entry : now.entrySet()) {
      List<Woven> variants = new ArrayList<>();
      variants.add(entry.getValue());
      for (Woven earlier : held.getOrDefault(entry.getKey(), List.of())) {
        if (variants.size() < VARIANTS && !earlier.sameSource(entry.getValue())) {
          variants.add(earlier);
        }
      }
      classes.put(entry.getKey(), variants);
    }
    return classes;
  }

  /** {@return a file's content, what {@link #parse} reads} */
  static byte[] content(long jar, String jdk, Map<String, List<Woven>> classes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(bytes, jar, jdk, classes);
    return bytes.toByteArray();
  }

  /** Writes a file's content, what {@link #parse} reads, to {@code file}. */
  private static void write(
      OutputStream file, long jar, String jdk, Map<String, List<Woven>> classes)
      throws IOException {
    CRC32 crc = new CRC32();
    DataOutputStream out =
        new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16), crc));
    out.write(MAGIC);
    out.writeLong(jar);
    out.writeUTF(jdk);
    int count = 0;
    for (List<Woven> variants : classes.values()) {
      count += variants.size();
    }
    out.writeInt(count);
    for (Map.Entry<String, List<Woven>> entry : classes.entrySet()) {
      for (Woven woven : entry.getValue()) {
        write(out, entry.getKey(), woven);
      }
    }
    out.flush();
    int sum = (int) crc.getValue();
    out.writeInt(sum);
    out.flush();
  }

  private static void write(DataOutputStream out, String internalName, Woven woven)
      throws IOException {
    out.writeUTF(internalName);
    out.writeInt(woven.length());
    out.writeInt(woven.crc());
    out.writeInt(woven.adler());
    out.writeLong(woven.hooks());
    out.writeInt(woven.classFile().length);
    out.write(woven.classFile());
  }

  /** How much of the file one read asks for. */
  private static final int READ_SLICE = 1 << 16;

  /**
   * {@return the classes of the file, or none if it is missing, not to be trusted, or not for this
   * agent jar and JDK}
   *
   * @param owner the agent jar's attributes
   */
  private static Map<String, List<Woven>> read(
      Path file, Map<String, Object> owner, long jar, String jdk) throws IOException {
    Map<String, Object> before;
    try {
      before = attributes(file);
    } catch (NoSuchFileException none) {
      return Map.of();
    }
    if (!trusted(before, owner) || ((Long) before.get("size")) > LARGEST) {
      return Map.of();
    }
    Map<String, List<Woven>> classes;
    // A link put in its place since is not followed.
    try (SeekableByteChannel channel =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long length = channel.size();
      if (length > LARGEST) {
        return Map.of();
      }
      // Each class read into an array of its own, with no copy of the whole file beside them; in
      // slices of the buffer's size, as the JDK reads a channel into a direct buffer of the size
      // asked for.
      classes =
          parse(
              new BufferedInputStream(Channels.newInputStream(channel), READ_SLICE),
              length,
              jar,
              jdk);
    }
    if (!sameFile(before, attributes(file))) {
      return Map.of();
    }
    return classes;
  }

  /**
   * {@return whether a file of attributes {@code file} is to be trusted as much as the agent jar of
   * attributes {@code jar}}: a regular file of the jar's owner that no one else may write
   */
  static boolean trusted(Map<String, Object> file, Map<String, Object> jar) {
    int mode = (Integer) file.get("mode");
    return isRegular(file)
        && file.get("uid").equals(jar.get("uid"))
        && (mode & GROUP_OR_OTHER_WRITE) == 0;
  }

  private static boolean isRegular(Map<String, Object> attributes) {
    return (((Integer) attributes.get("mode")) & FILE_TYPE) == REGULAR_FILE;
  }

  /** {@return whether two looks at a path saw the same file, unchanged} */
  static boolean sameFile(Map<String, Object> before, Map<String, Object> after) {
    return before.get("ino").equals(after.get("ino"))
        && before.get("dev").equals(after.get("dev"))
        && before.get("size").equals(after.get("size"))
        && before.get("lastModifiedTime").equals(after.get("lastModifiedTime"))
        && before.get("uid").equals(after.get("uid"))
        && before.get("mode").equals(after.get("mode"));
  }

  /** {@return the attributes of {@code path} itself, a link not followed} */
  private static Map<String, Object> attributes(Path path) throws IOException {
    return Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * {@return the classes in {@code content}, or none if it is damaged or for another jar or JDK}
   */
  static Map<String, List<Woven>> parse(byte[] content, long jar, String jdk) {
    return parse(new ByteArrayInputStream(content), content.length, jar, jdk);
  }

  /**
   * {@return the classes in a file's content of {@code length} bytes read from {@code source}, or
   * none if it is damaged or for another jar or JDK}: every byte but the last four is checked
   * against the CRC-32 those hold, and nothing may follow them
   */
  static Map<String, List<Woven>> parse(InputStream source, long length, long jar, String jdk) {
    try {
      long body = length - Integer.BYTES;
      if (body < MAGIC.length) {
        return Map.of();
      }
      CRC32 crc = new CRC32();
      // DataInputStream buffers nothing: the checksum covers exactly the bytes read through it.
      DataInputStream in = new DataInputStream(new CheckedInputStream(source, crc));
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC) || in.readLong() != jar || !in.readUTF().equals(jdk)) {
        return Map.of();
      }
      int count = in.readInt();
      if (count < 0 || count > MOST_CLASSES) {
        return Map.of();
      }
      Map<String, List<Woven>> classes = new HashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int classLength = in.readInt();
        int classCrc = in.readInt();
        int adler = in.readInt();
        long hooks = in.readLong();
        int size = in.readInt();
        if (size < 0 || size > body) {
          return Map.of();
        }
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        // Not computeIfAbsent: a lambda is a class spun at start-up.
        List<Woven> variants = classes.get(name);
        if (variants == null) {
          variants = new ArrayList<>();
          classes.put(name, variants);
        }
        variants.add(new Woven(classLength, classCrc, adler, hooks, bytes));
      }
      // The sum, read past the checked stream; then the end: the sum is the content's last bytes.
      int sum = new DataInputStream(source).readInt();
      return sum == (int) crc.getValue() && source.read() < 0 ? classes : Map.of();
    } catch (IOException | RuntimeException damaged) {
      return Map.of();
    }
  }

  /**
   * {@return what names the agent jar's content: the length and CRC-32 of its central directory,
   * which holds every entry's name, CRC-32 and size; 0 if it cannot tell}
   */
  static long jarIdentity(Path jar) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(jar.toFile(), "r")) {
      long length = in.length();
      // Without a comment, the end record is the last 22 bytes; else it is within 64 KiB of them.
      for (int tail : new int[] {END_RECORD, END_RECORD + 0xffff}) {
        int read = (int) Math.min(length, tail);
        byte[] end = new byte[read];
        in.seek(length - read);
        in.readFully(end);
        ByteBuffer little = ByteBuffer.wrap(end).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int at = read - END_RECORD; at >= 0; at--) {
          if (little.getInt(at) == END_OF_CENTRAL_DIRECTORY) {
            long size = Integer.toUnsignedLong(little.getInt(at + 12));
            long offset = Integer.toUnsignedLong(little.getInt(at + 16));
            return offset + size <= length - read + at ? checksum(in, offset, size) : 0;
          }
        }
      }
      return 0;
    }
  }

  private static long checksum(RandomAccessFile in, long offset, long size) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[(int) Math.min(size, 1 << 16)];
    in.seek(offset);
    for (long left = size; left > 0; ) {
      int chunk = (int) Math.min(left, buffer.length);
      in.readFully(buffer, 0, chunk);
      crc.update(buffer, 0, chunk);
      left -= chunk;
    }
    return size == 0 ? 0 : (size << 32) | crc.getValue();
  }

  /** {@return the CRC-32 and length of how {@code hooks} describe themselves} */
  static long describe(List<Hook> hooks) {
    StringBuilder description = new StringBuilder();
    for (Hook hook : hooks) {
      hook.describe(description);
    }
    byte[] bytes = description.toString().getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return ((long) bytes.length << 32) | crc.getValue();
  }

  private static int crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  private static int adler(byte[] bytes) {
    Adler32 adler = new Adler32();
    adler.update(bytes);
    return (int) adler.getValue();
  }
}
