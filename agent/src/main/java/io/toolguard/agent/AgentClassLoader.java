package io.toolguard.agent;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.SecureClassLoader;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The class loader of the agent's own classes ({@code io.toolguard.agent} and the libraries it
 * carries, relocated under {@code io.toolguard.shaded}): it defines them from one entry of the
 * agent jar, {@link #PACKED}, that the build packed ({@link AgentPacker}), and asks its parent, the
 * application class loader, for everything else. Only {@link ToolGuardAgent} and this class are the
 * application class loader's, loaded as the JVM loads any agent's entry point.
 *
 * <p>Why. The application class loader looks a class up along the whole class path, the
 * application's entries first and the agent jar last, and for each class it finds in a jar it reads
 * and inflates one entry, makes its code source and checks its package against the manifest. For
 * the ~200 classes a start of the agent needs, that took about 110 ms of {@code premain}'s thread
 * on the CI machine, half of it outside the JVM's own parsing of the classes. Here a class is one
 * binary search in an index read once and one read at a known offset of an entry the jar stores
 * uncompressed: the agent's own classes are stored there as they are, a library's deflated alone
 * ({@link AgentPacker#AS_THEY_ARE}).
 *
 * <p>It also keeps the agent's classes out of the application's reach by name: the jar holds them
 * in the packed entry only, so a tool that asks the application class loader for {@code
 * io.toolguard.agent.…} finds no such class; the running agent's classes have this loader, which
 * only the agent's own objects lead to. Its class files are resources of this loader alone ({@link
 * #getResourceAsStream}), where Byte Buddy reads the advice classes the agent weaves in.
 *
 * <p>The packed entry's format, written by {@link AgentPacker}: the int {@link #MAGIC}; the int
 * count of records; the int length of the names; the records, {@link #RECORD_INTS} ints each: where
 * the binary name starts among the names and its length in bytes (UTF-8), the Java feature version
 * the class file is for (0 for all, else that of a multi-release jar's {@code
 * META-INF/versions/N/}), where its data starts after the names and how many bytes they are, the
 * class file's length and the CRC-32 of its bytes; then the names; then the data. A class's data is
 * its class file as it is where the two lengths are equal, else the class file deflated. The
 * records are sorted by name (unsigned bytes), and by version from the highest for one name.
 */
final class AgentClassLoader extends SecureClassLoader {

  /**
   * The agent's classes, packed by the build ({@link AgentPacker}): an entry stored, not deflated.
   */
  static final String PACKED = "META-INF/toolguard/agent.packed";

  /** The first int of {@link #PACKED}: "TGA" and the format's number. */
  static final int MAGIC = 0x54474102;

  /** The ints of one record of the index. */
  static final int RECORD_INTS = 7;

  /** The agent's entry point, which stays the application class loader's (internal name). */
  static final String ENTRY_POINT = "io/toolguard/agent/ToolGuardAgent";

  /**
   * What the name of every packed class starts with ({@link AgentPacker} packs nothing else): a
   * name that does not is the parent's, without a search of the index (the JDK's classes the
   * agent's code names, about half of what the agent asks this loader for).
   */
  static final String PACKED_PACKAGES = "io.toolguard.";

  /** This class, which stays the application class loader's, nested classes and all. */
  static final String SELF = "io/toolguard/agent/AgentClassLoader";

  private static final int MOST_RECORDS = 100_000;

  private static final int LONGEST_NAMES = 1 << 24;

  private static final int LONGEST_CLASS_FILE = 1 << 24;

  /** A class file's magic, version and constant-pool count: no class file is shorter. */
  private static final int SHORTEST_CLASS_FILE = 10;

  private static final int NAME = 0;

  private static final int NAME_LENGTH = 1;

  private static final int VERSION = 2;

  private static final int DATA = 3;

  private static final int STORED_LENGTH = 4;

  private static final int LENGTH = 5;

  private static final int CRC = 6;

  private static final String CLASS = ".class";

  /** The ints {@link #PACKED} starts with: {@link #MAGIC}, the count, the names' length. */
  private static final int HEADER_INTS = 3;

  /** A zip file's end record, without a comment, and its signature. */
  private static final int END_RECORD = 22;

  private static final long END_SIGNATURE = 0x06054b50L;

  /** A zip entry's local header, before its name, and its signature. */
  private static final int LOCAL_HEADER = 30;

  private static final long LOCAL_SIGNATURE = 0x04034b50L;

  static {
    registerAsParallelCapable();
  }

  /** The one loader of this JVM, made by the first entry to the agent. */
  private static AgentClassLoader instance;

  private final Path location;

  private final ZipFile jar;

  private final ZipEntry packed;

  /**
   * The jar, for reading a class at its offset; {@code null} where {@link #start} could not be
   * found (then each class is read through {@link #jar}'s stream of the entry).
   */
  private final RandomAccessFile file;

  /** Where {@link #PACKED}'s bytes start in the jar file ({@link #start(RandomAccessFile)}). */
  private final long start;

  /**
   * The protection domain of every class of this loader, made once: {@code SecureClassLoader} makes
   * the same one, but finds it in a map for each class it defines, by a key whose hash is the
   * location's text, built again each time.
   */
  private final ProtectionDomain domain;

  /** The records, as read: each int decoded when used ({@link #field}). */
  private final byte[] index;

  private final int count;

  private final byte[] names;

  /** Where the data starts in {@link #PACKED}. */
  private final long data;

  private final int feature = Runtime.version().feature();

  /**
   * Inflates each deflated class, one at a time; never ended, as the loader lives as long as the
   * JVM. Its monitor guards the jar file's reads and the buffers reused from class to class.
   */
  private final Inflater inflater = new Inflater();

  /**
   * A class's deflated bytes as read, reused for the next class; guarded by {@link #inflater}, and
   * empty while a class is read into it.
   */
  private byte[] deflated = NONE;

  private static final byte[] NONE = new byte[0];

  /**
   * A buffer a class was read into and defined from, for the next class to reuse: the JVM copies
   * the bytes a class is defined from before it looks at them, so no class file of the agent's
   * needs an array of its own (about 1.5 MB fewer allocated at start-up). A thread that finds none,
   * because another thread holds it, makes its own. Guarded by {@link #inflater}: an {@code
   * AtomicReference} linked the JDK's method handles for its variable handle at the first class,
   * about 2 ms of {@code premain}'s thread.
   */
  private byte[] spare;

  /**
   * The lock of each packed class, made when the class is first asked for: a parallel-capable
   * loader's own locks are an entry per name in a concurrent map, which the JDK's loaders fill too,
   * and the agent's few hundred classes pushed that map's methods to the JIT's compilers.
   */
  private final Object[] locks;

  private final String title;

  private final String version;

  private AgentClassLoader(
      Path location, CodeSource source, ZipFile jar, RandomAccessFile file, Attributes manifest)
      throws IOException {
    super("toolguard", ClassLoader.getSystemClassLoader());
    this.location = location;
    this.domain = new ProtectionDomain(source, getPermissions(source), this, null);
    this.jar = jar;
    this.title = manifest.getValue(Attributes.Name.IMPLEMENTATION_TITLE);
    this.version = manifest.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
    ZipEntry entry = jar.getEntry(PACKED);
    if (entry == null) {
      throw damaged(location, "it lacks " + PACKED);
    }
    if (entry.getMethod() != ZipEntry.STORED) {
      throw damaged(location, PACKED + " is compressed");
    }
    this.packed = entry;
    try (DataInputStream in = new DataInputStream(jar.getInputStream(entry))) {
      if (in.readInt() != MAGIC) {
        throw damaged(location, PACKED + " is not toolguard's");
      }
      int count = in.readInt();
      int namesLength = in.readInt();
      if (count < 1
          || count > MOST_RECORDS
          || namesLength < 1
          || namesLength > LONGEST_NAMES
          || 3L * Integer.BYTES + (long) count * RECORD_INTS * Integer.BYTES + namesLength
              > entry.getSize()) {
        throw damaged(location, PACKED + " says it holds " + count + " classes");
      }
      this.count = count;
      this.locks = new Object[count];
      // Straight into arrays of their size: readNBytes would gather them in buffers first.
      this.index = new byte[count * RECORD_INTS * Integer.BYTES];
      in.readFully(index);
      this.names = new byte[namesLength];
      in.readFully(names);
      this.data = 3L * Integer.BYTES + index.length + names.length;
    } catch (EOFException cut) {
      throw damaged(location, PACKED + " is cut short");
    }
    long found = start(file);
    this.start = found;
    this.file = found < 0 ? null : file;
  }

  /**
   * {@return where {@link #PACKED}'s bytes start in the jar file, or -1 if they are not where the
   * build put them}: the build writes it last, stored, so its bytes end where the central directory
   * starts, which the end record at the file's end gives. Its local header, just before them, must
   * name it and be followed by its first bytes as the jar's own reading gave them.
   */
  private long start(RandomAccessFile file) throws IOException {
    long length = file.length();
    if (length < END_RECORD) {
      return -1;
    }
    byte[] end = new byte[END_RECORD];
    file.seek(length - END_RECORD);
    file.readFully(end);
    if (littleEndian(end, 0, 4) != END_SIGNATURE) {
      // a comment after the end record, or a ZIP64 jar: not the build's
      return -1;
    }
    long start = littleEndian(end, 16, 4) - packed.getCompressedSize();
    byte[] name = PACKED.getBytes(StandardCharsets.UTF_8);
    byte[] header = new byte[LOCAL_HEADER + name.length + HEADER_INTS * Integer.BYTES];
    long local = start - LOCAL_HEADER - name.length;
    if (local < 0 || start + header.length > length) {
      return -1;
    }
    file.seek(local);
    file.readFully(header);
    int at = LOCAL_HEADER + name.length;
    boolean ours =
        littleEndian(header, 0, 4) == LOCAL_SIGNATURE
            && littleEndian(header, 26, 2) == name.length
            && littleEndian(header, 28, 2) == 0
            && java.util.Arrays.equals(header, LOCAL_HEADER, at, name, 0, name.length)
            && bigEndian(header, at) == MAGIC
            && bigEndian(header, at + Integer.BYTES) == count
            && bigEndian(header, at + 2 * Integer.BYTES) == names.length;
    return ours ? start : -1;
  }

  private static long littleEndian(byte[] bytes, int at, int length) {
    long value = 0;
    for (int i = length - 1; i >= 0; i--) {
      value = value << 8 | bytes[at + i] & 0xff;
    }
    return value;
  }

  private static int bigEndian(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 24
        | (bytes[at + 1] & 0xff) << 16
        | (bytes[at + 2] & 0xff) << 8
        | bytes[at + 3] & 0xff;
  }

  /**
   * {@return the agent's loader, made at the first call from the jar {@code ToolGuardAgent} came
   * from}
   *
   * @throws IOException if the jar cannot be found or read, or its packed classes are damaged
   */
  static synchronized AgentClassLoader get() throws IOException {
    if (instance == null) {
      instance = open(ToolGuardAgent.class.getProtectionDomain().getCodeSource());
    }
    return instance;
  }

  /**
   * {@return a loader of the classes packed in the jar at {@code source}}
   *
   * @throws IOException if the jar cannot be found or read, or its packed classes are damaged
   */
  static AgentClassLoader open(CodeSource source) throws IOException {
    Path location = location(source);
    ZipFile jar = new ZipFile(location.toFile());
    RandomAccessFile file = null;
    try {
      file = new RandomAccessFile(location.toFile(), "r");
      AgentClassLoader loader =
          new AgentClassLoader(location, source, jar, file, manifest(location, jar));
      if (loader.file == null) {
        file.close();
      }
      return loader;
    } catch (IOException | RuntimeException failed) {
      jar.close();
      if (file != null) {
        file.close();
      }
      throw failed;
    }
  }

  /** {@return whether classes are read at their offset in the jar, not through its stream} */
  boolean readsAtOffset() {
    return file != null;
  }

  /**
   * {@return a new instance of the agent's class {@code name}, by its public constructor}
   *
   * @throws IllegalStateException if it cannot be made
   */
  Object instance(String name) {
    try {
      return Class.forName(name, true, this).getConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError failed) {
      throw new IllegalStateException(
          location + ": toolguard cannot start its " + name + " (" + failed + ")", failed);
    }
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    try {
      int record = name.startsWith(PACKED_PACKAGES) ? find(name) : -1;
      if (record < 0) {
        // Not the agent's: the parent's, without a lock of this loader's, which defines no such
        // class (ClassLoader's would put an entry for the name in a map of locks).
        return getParent().loadClass(name);
      }
      synchronized (lock(record)) {
        Class<?> type = findLoadedClass(name);
        if (type == null) {
          type = define(name, record);
        }
        if (resolve) {
          resolveClass(type);
        }
        return type;
      }
    } catch (IOException damaged) {
      throw new ClassNotFoundException(damaged.getMessage(), damaged);
    }
  }

  /**
   * {@return the class file of a packed class, for this JVM's version, as the jar's own entry would
   * have given it, or any other resource as the parent finds it}: Byte Buddy reads the advice
   * classes it weaves in so. {@code null} for a packed class whose record is damaged.
   */
  @Override
  public InputStream getResourceAsStream(String name) {
    if (name.endsWith(CLASS)) {
      String binaryName = name.substring(0, name.length() - CLASS.length()).replace('/', '.');
      try {
        int record = find(binaryName);
        if (record >= 0) {
          byte[] classFile = new byte[length(record)];
          read(binaryName, record, classFile);
          return new java.io.ByteArrayInputStream(classFile);
        }
      } catch (IOException damaged) {
        return null;
      }
    }
    return super.getResourceAsStream(name);
  }

  /** {@return the lock of a packed class, made the first time} */
  private Object lock(int record) {
    synchronized (locks) {
      Object lock = locks[record];
      if (lock == null) {
        lock = new Object();
        locks[record] = lock;
      }
      return lock;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    // Every packed class is defined in loadClass, before the parent is asked.
    throw new ClassNotFoundException(name);
  }

  private Class<?> define(String name, int record) throws IOException {
    int length = length(record);
    byte[] buffer;
    synchronized (inflater) {
      buffer = spare;
      spare = null;
    }
    if (buffer == null || buffer.length < length) {
      buffer = new byte[Math.max(length, buffer == null ? 0 : buffer.length)];
    }
    try {
      read(name, record, buffer);
      definePackageOf(name);
      return defineClass(name, buffer, 0, length, domain);
    } finally {
      synchronized (inflater) {
        spare = buffer;
      }
    }
  }

  private void definePackageOf(String name) {
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String packageName = name.substring(0, dot);
      if (getDefinedPackage(packageName) == null) {
        try {
          definePackage(packageName, null, null, null, title, version, null, null);
        } catch (IllegalArgumentException definedMeanwhile) {
          // Another thread defined it first, for another class of the package.
        }
      }
    }
  }

  /**
   * {@return the record of the class file for this JVM of the class named so, or -1}
   *
   * @throws IOException if a record it meets is not within the entry
   */
  private int find(String name) throws IOException {
    byte[] key = name.getBytes(StandardCharsets.UTF_8);
    int low = 0;
    int high = count - 1;
    int first = -1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int order = compare(middle, key);
      if (order < 0) {
        low = middle + 1;
      } else {
        if (order == 0) {
          first = middle;
        }
        high = middle - 1;
      }
    }
    for (int at = first; at >= 0 && at < count && compare(at, key) == 0; at++) {
      if (field(at, VERSION) <= feature) {
        return at;
      }
    }
    return -1;
  }

  /** Compares a record's name with {@code key}, as unsigned bytes. */
  private int compare(int record, byte[] key) throws IOException {
    int start = field(record, NAME);
    int length = field(record, NAME_LENGTH);
    if (start < 0 || length <= 0 || length > names.length - start) {
      throw damaged(location, PACKED + " has a record it does not hold (" + record + ")");
    }
    return java.util.Arrays.compareUnsigned(names, start, start + length, key, 0, key.length);
  }

  /** {@return one int of a record, decoded from the index as read} */
  private int field(int record, int field) {
    return bigEndian(index, (record * RECORD_INTS + field) * Integer.BYTES);
  }

  /**
   * {@return the length of a packed class's class file}
   *
   * @throws IOException if its record does not say where in the entry it is, or says lengths the
   *     build never writes: a class file shorter than any, or data longer than the class file (the
   *     build stores a class as it is where deflating does not make it shorter)
   */
  private int length(int record) throws IOException {
    int stored = field(record, STORED_LENGTH);
    int length = field(record, LENGTH);
    if (stored < 0
        || length < SHORTEST_CLASS_FILE
        || stored > length
        || length > LONGEST_CLASS_FILE
        || data + Integer.toUnsignedLong(field(record, DATA)) + stored > packed.getSize()) {
      throw damaged(location, PACKED + " has a record it does not hold (" + record + ")");
    }
    return length;
  }

  /**
   * Reads a packed class's class file into the start of {@code into}, at least {@link #length(int)}
   * long, inflating it if it was deflated, and checks it against the CRC it was packed with.
   */
  private void read(String name, int record, byte[] into) throws IOException {
    int length = length(record);
    int stored = field(record, STORED_LENGTH);
    long from = data + Integer.toUnsignedLong(field(record, DATA));
    if (stored == length) {
      int read;
      synchronized (inflater) {
        read = readStored(from, into, length);
      }
      if (read != length) {
        throw damaged(location, PACKED + " is cut short");
      }
    } else {
      inflate(name, from, stored, into, length);
    }
    CRC32 check = new CRC32();
    check.update(into, 0, length);
    if ((int) check.getValue() != field(record, CRC)) {
      throw damaged(location, name + " is not as it was packed");
    }
  }

  /**
   * Reads {@code length} bytes of {@link #PACKED} at {@code from} into the start of {@code into};
   * guarded by {@link #inflater}, which is the file's lock too.
   */
  private int readStored(long from, byte[] into, int length) throws IOException {
    try {
      if (file != null) {
        file.seek(start + from);
        file.readFully(into, 0, length);
        return length;
      }
      try (InputStream in = jar.getInputStream(packed)) {
        in.skipNBytes(from);
        return in.readNBytes(into, 0, length);
      }
    } catch (EOFException cut) {
      throw damaged(location, PACKED + " is cut short");
    }
  }

  /** Inflates a deflated class file, {@code stored} bytes at {@code from}, into {@code into}. */
  private void inflate(String name, long from, int stored, byte[] into, int length)
      throws IOException {
    int read;
    int inflated;
    // One inflater for every class: making one (its native state, its cleaner) cost more than
    // inflating a class. The lock is the file's, and the deflated bytes' buffer's, too.
    synchronized (inflater) {
      // Taken out while in use: a read that came back here on this thread would make its own.
      byte[] deflated = this.deflated;
      this.deflated = NONE;
      if (deflated.length < stored) {
        deflated = new byte[stored];
      }
      read = readStored(from, deflated, stored);
      inflater.reset();
      inflater.setInput(deflated, 0, read);
      try {
        inflated = inflater.inflate(into, 0, length);
        if (inflated == length && !inflater.finished()) {
          // The stream's end may be read only once its last byte is out.
          inflated += inflater.inflate(new byte[1]);
        }
      } catch (DataFormatException garbled) {
        throw damaged(location, name + " is not as it was packed");
      }
      if (read != stored || inflated != length || !inflater.finished()) {
        throw damaged(location, name + " is not as it was packed");
      }
      this.deflated = deflated;
    }
  }

  private static Attributes manifest(Path location, ZipFile jar) throws IOException {
    ZipEntry entry = jar.getEntry("META-INF/MANIFEST.MF");
    if (entry == null) {
      throw damaged(location, "it has no manifest");
    }
    try (InputStream in = jar.getInputStream(entry)) {
      return new Manifest(in).getMainAttributes();
    }
  }

  private static Path location(CodeSource source) throws IOException {
    if (source == null || source.getLocation() == null) {
      throw new IOException(
          "toolguard cannot tell which jar it was loaded from; "
              + "give it as -javaagent:toolguard-agent.jar");
    }
    try {
      return Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException notAFile) {
      throw new IOException(
          "toolguard was loaded from "
              + source.getLocation()
              + ", which is not a local file; give it as -javaagent:toolguard-agent.jar",
          notAFile);
    }
  }

  private static IOException damaged(Path location, String why) {
    return new IOException(
        location
            + ": toolguard's own classes cannot be loaded from it, "
            + why
            + "; the agent jar is damaged, download it again");
  }
}
