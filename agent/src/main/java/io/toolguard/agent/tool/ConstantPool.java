package io.toolguard.agent.tool;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The constant pool, header, methods and annotations of a class file, read by hand for the
 * tool-class prefilter and, at start-up, for the JDK's file system provider ({@code FileHooks},
 * {@code Forwarding}), where ASM's reader cost about 10 ms of the weaving thread. For the
 * prefilter: the class's super class and interfaces follow the pool, and the annotations on the
 * class and its methods are in the attributes named {@code RuntimeVisibleAnnotations} and {@code
 * RuntimeInvisibleAnnotations}, which one pass over the pool finds. The prefilter runs on every
 * class the application loads, and on the class files of the super types and annotation types not
 * loaded yet; ASM's {@code ClassReader} builds more than it needs.
 *
 * <p>Whatever this cannot read ({@link #read} answers {@code null}: not a class file, a constant
 * kind it does not know; {@link #annotationTypes} throws) the caller takes for a class that may
 * declare tools, and reads with ASM.
 */
public final class ConstantPool {

  private final byte[] classFile;

  /** The pool's count: one more than its last index. */
  private final int count;

  /** Where the pool ends: the class's access flags. */
  private final int end;

  /**
   * The indexes of the UTF-8 entries {@code RuntimeVisibleAnnotations} and {@code
   * RuntimeInvisibleAnnotations}, the names of the attributes that hold annotations; 0 where the
   * pool has none, and then the class file holds no annotations.
   */
  private final int visibleAnnotations;

  private final int invisibleAnnotations;

  /**
   * Whether the pool spells one of those names in more than one entry, as a class file may (the JVM
   * takes an attribute named by either for the same): attribute names are then compared by their
   * text.
   */
  private final boolean namesRepeated;

  /** Where each constant starts, once {@link #starts} made it. */
  private int[] starts;

  private static final byte[] VISIBLE_ANNOTATIONS =
      "RuntimeVisibleAnnotations".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] INVISIBLE_ANNOTATIONS =
      "RuntimeInvisibleAnnotations".getBytes(StandardCharsets.US_ASCII);

  /**
   * How deep annotations may nest in an annotation's values (an annotation as a value, an array of
   * them) before the class file is taken as one this cannot read: no framework's annotations come
   * near it, and a class file crafted deeper would otherwise run the reading out of stack.
   */
  private static final int NESTING = 32;

  private ConstantPool(
      byte[] classFile,
      int count,
      int end,
      int visibleAnnotations,
      int invisibleAnnotations,
      boolean namesRepeated) {
    this.classFile = classFile;
    this.count = count;
    this.end = end;
    this.visibleAnnotations = visibleAnnotations;
    this.invisibleAnnotations = invisibleAnnotations;
    this.namesRepeated = namesRepeated;
  }

  /**
   * {@return the class file's constant pool, or {@code null} if it is not a class file whose pool
   * this can walk}
   */
  public static ConstantPool read(byte[] classFile) {
    if (classFile.length < 10 || u4(classFile, 0) != 0xCAFEBABE) {
      return null;
    }
    try {
      return walk(classFile);
    } catch (ArrayIndexOutOfBoundsException truncated) {
      return null;
    }
  }

  /**
   * {@return the constant pool of {@code type}'s class file as its module holds it (a JDK class: as
   * the JDK's image holds it), or {@code null} if that cannot be read}: read by hand, not by
   * reflection, which loads every type the class's methods name
   */
  public static ConstantPool of(Class<?> type) {
    byte[] classFile = classFile(type);
    return classFile == null ? null : read(classFile);
  }

  /** {@return the class file of {@code type} as its module holds it, or null} */
  public static byte[] classFile(Class<?> type) {
    String internal = type.getName().replace('.', '/');
    try (InputStream in = type.getModule().getResourceAsStream(internal + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
  }

  /**
   * Walks the pool once, to find where it ends, that every entry is of a kind this knows, and which
   * entries name the attributes that hold annotations. It keeps no table of where each entry
   * starts: every class the application loads comes through here, and such a table (an int per
   * constant) was a fifth of what the prefilter allocated, about 1 MB of 5.5 in the LangChain4j
   * example; the few entries the super types need are found by walking the pool again ({@link
   * #entry}), and the table is made for a class with annotations only ({@link #annotationTypes}).
   * It reads no name's bytes but those of a name as long as those attributes'.
   */
  private static ConstantPool walk(byte[] classFile) {
    int count = u2(classFile, 8);
    int at = 10;
    int visible = 0;
    int invisible = 0;
    boolean repeated = false;
    for (int index = 1; index < count; index++) {
      if (at >= classFile.length) {
        return null;
      }
      int size = size(classFile, at);
      if (size == 0) {
        // a constant kind of a class-file version after this code
        return null;
      }
      if (classFile[at] == 1) {
        // an entry that runs past the file's end throws here, or ends the pool past it
        if (isName(classFile, at, VISIBLE_ANNOTATIONS)) {
          repeated |= visible != 0;
          visible = index;
        } else if (isName(classFile, at, INVISIBLE_ANNOTATIONS)) {
          repeated |= invisible != 0;
          invisible = index;
        }
      } else if (isWide(classFile, at)) {
        // Long and Double take two indexes
        index++;
      }
      at += size;
    }
    // access flags, this class, super class, interface count
    if (at + 8 > classFile.length) {
      return null;
    }
    return new ConstantPool(classFile, count, at, visible, invisible, repeated);
  }

  /**
   * {@return whether the UTF-8 entry at {@code at} (its tag) holds exactly {@code name}}: its
   * length first, so that only an entry as long as the name has its bytes read
   */
  private static boolean isName(byte[] classFile, int at, byte[] name) {
    if (u2(classFile, at + 1) != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (classFile[at + 3 + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@return the length of the entry whose tag is at {@code at}, or 0 for a kind not known} */
  private static int size(byte[] classFile, int at) {
    return switch (classFile[at]) {
      case 1 -> 3 + u2(classFile, at + 1); // Utf8: length, then the bytes
      case 7, 8, 16, 19, 20 -> 3; // Class, String, MethodType, Module, Package
      case 15 -> 4; // MethodHandle
      // Integer, Float, Fieldref, Methodref, InterfaceMethodref, NameAndType, Dynamic,
      // InvokeDynamic
      case 3, 4, 9, 10, 11, 12, 17, 18 -> 5;
      case 5, 6 -> 9; // Long, Double
      default -> 0;
    };
  }

  /** {@return whether the entry whose tag is at {@code at} takes two indexes: Long, Double} */
  private static boolean isWide(byte[] classFile, int at) {
    return classFile[at] == 5 || classFile[at] == 6;
  }

  /**
   * {@return where entry {@code wanted} starts (its tag); 0 for index 0, an index past the pool and
   * the second slot of an 8-byte constant}
   */
  private int entry(int wanted) {
    int at = 10;
    for (int index = 1; index < count && index <= wanted; index++) {
      if (index == wanted) {
        return at;
      }
      if (isWide(classFile, at)) {
        index++;
      }
      at += size(classFile, at);
    }
    return 0;
  }

  /** {@return {@link #entry}'s answer, from the table of where each constant starts if made} */
  private int where(int index) {
    int[] table = starts;
    if (table == null) {
      return entry(index);
    }
    return index > 0 && index < count ? table[index] : 0;
  }

  /**
   * {@return the internal names of the class's super class (if any) and interfaces}
   *
   * @throws IllegalArgumentException if they are not where a class file has them
   */
  List<String> supertypes() {
    List<String> supertypes = new ArrayList<>();
    int superClass = u2(classFile, end + 4);
    if (superClass != 0) {
      supertypes.add(className(superClass));
    }
    int interfaces = u2(classFile, end + 6);
    if (end + 8 + 2 * interfaces > classFile.length) {
      throw new IllegalArgumentException("truncated class file");
    }
    if (interfaces > 8) {
      // Each name found by walking the pool would cost a walk per interface (a class file may list
      // 65,535 over as many constants): the table of where each constant starts, made once.
      starts();
    }
    for (int i = 0; i < interfaces; i++) {
      supertypes.add(className(u2(classFile, end + 8 + 2 * i)));
    }
    return supertypes;
  }

  /**
   * {@return the descriptors of the annotations the class file puts on the class and on its
   * methods, visible to reflection or not, with the annotations nested in their values}: a tool
   * annotation is one of these, or one it stands for (an annotation type's own annotations are the
   * class's). Each is the text of its constant, decoded as the JVM decodes it ({@link
   * AnnotationNames#decoded}); {@link AnnotationNames#className} reads it as reflection does. The
   * types' constants are found by walking the pool once more, without a table of where each
   * constant starts (an int per constant, for every class with annotations the application loads).
   *
   * @throws IllegalArgumentException if they are not where a class file has them, or nest deeper
   *     than {@link #NESTING}
   */
  List<String> annotationTypes() {
    if (visibleAnnotations == 0 && invisibleAnnotations == 0) {
      return List.of();
    }
    try {
      // each type's constant, marked once however often it is used: read once below
      boolean[] types = new boolean[count];
      // a pool that spells those names more than once (never javac's): looked up in the table
      int[] names = namesRepeated ? starts() : null;
      int at = methodsAt();
      int methods = u2(classFile, at);
      at += 2;
      for (int i = 0; i < methods; i++) {
        at = annotationsIn(at + 6, types, names);
      }
      // the class's own attributes
      annotationsIn(at, types, names);
      List<String> descriptors = new ArrayList<>();
      int entry = 10;
      for (int index = 1; index < count; index++) {
        if (types[index]) {
          descriptors.add(decoded(entry, index));
        }
        if (isWide(classFile, entry)) {
          // the second index of a Long or Double names no constant
          index++;
          if (index < count && types[index]) {
            throw new IllegalArgumentException("constant " + index + " is no UTF-8 entry");
          }
        }
        entry += size(classFile, entry);
      }
      return descriptors;
    } catch (ArrayIndexOutOfBoundsException truncated) {
      throw new IllegalArgumentException("truncated class file", truncated);
    }
  }

  /**
   * Adds the annotation types of the attributes at {@code at} (their count first) to {@code types};
   * {@return where the attributes end}
   */
  private int annotationsIn(int at, boolean[] types, int[] names) {
    int attributes = u2(classFile, at);
    at += 2;
    for (int a = 0; a < attributes; a++) {
      int name = u2(classFile, at);
      int next = attributeEnd(at);
      if (holdsAnnotations(name, names)) {
        int value = at + 8;
        for (int i = u2(classFile, at + 6); i > 0; i--) {
          value = annotation(value, types, 0);
        }
        if (value > next) {
          throw new IllegalArgumentException("annotations run past their attribute");
        }
      }
      at = next;
    }
    return at;
  }

  /**
   * {@return whether an attribute of this name (its index) holds annotations}
   *
   * @param starts where the pool spells those names more than once, where each constant starts
   *     ({@link #starts}, made once, not a walk of the pool per attribute); else {@code null}
   */
  private boolean holdsAnnotations(int name, int[] starts) {
    if (name == 0) {
      return false;
    }
    if (name == visibleAnnotations || name == invisibleAnnotations) {
      return true;
    }
    if (starts == null || name >= count || starts[name] == 0) {
      return false;
    }
    int entry = starts[name];
    return classFile[entry] == 1
        && (isName(classFile, entry, VISIBLE_ANNOTATIONS)
            || isName(classFile, entry, INVISIBLE_ANNOTATIONS));
  }

  /** Adds the annotation at {@code at} and those in its values; {@return where it ends} */
  private int annotation(int at, boolean[] types, int depth) {
    if (depth > NESTING) {
      throw new IllegalArgumentException("annotations nested deeper than " + NESTING);
    }
    int type = u2(classFile, at);
    if (type == 0 || type >= count) {
      throw new IllegalArgumentException("an annotation's type is no constant: " + type);
    }
    types[type] = true;
    int pairs = u2(classFile, at + 2);
    at += 4;
    for (int i = 0; i < pairs; i++) {
      // the attribute's name, then its value
      at = elementValue(at + 2, types, depth);
    }
    return at;
  }

  /** Adds the annotations in the value at {@code at}; {@return where it ends} */
  private int elementValue(int at, boolean[] types, int depth) {
    if (depth > NESTING) {
      // arrays in arrays count too
      throw new IllegalArgumentException("annotation values nested deeper than " + NESTING);
    }
    switch (classFile[at]) {
      case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's', 'c':
        return at + 3;
      case 'e':
        return at + 5;
      case '@':
        return annotation(at + 1, types, depth + 1);
      case '[':
        int values = u2(classFile, at + 1);
        at += 3;
        for (int i = 0; i < values; i++) {
          at = elementValue(at, types, depth + 1);
        }
        return at;
      default:
        throw new IllegalArgumentException("an annotation value of unknown kind " + classFile[at]);
    }
  }

  /**
   * A method a class file declares.
   *
   * @param code its bytecode, or {@code null} if it has none (abstract, native)
   * @param handlers whether its code has exception handlers
   */
  public record Method(String name, String descriptor, int access, byte[] code, boolean handlers) {}

  /**
   * {@return the methods the class file declares, in its order}, read once through a table of where
   * each constant starts (this serves the JDK's few file-system classes at start-up, not every
   * class the application loads)
   *
   * @throws IllegalArgumentException if they are not where a class file has them
   */
  public List<Method> methods() {
    try {
      int[] starts = starts();
      int at = methodsAt();
      int count = u2(classFile, at);
      at += 2;
      List<Method> methods = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int access = u2(classFile, at);
        String name = utf8(starts, u2(classFile, at + 2));
        String descriptor = utf8(starts, u2(classFile, at + 4));
        int attributes = u2(classFile, at + 6);
        at += 8;
        byte[] code = null;
        boolean handlers = false;
        for (int a = 0; a < attributes; a++) {
          int next = attributeEnd(at);
          if (utf8(starts, u2(classFile, at)).equals("Code")) {
            int codeLength = u4(classFile, at + 10);
            if (codeLength < 0 || at + 14L + codeLength > next) {
              throw new IllegalArgumentException("a method's code runs past its attribute");
            }
            code = java.util.Arrays.copyOfRange(classFile, at + 14, at + 14 + codeLength);
            handlers = u2(classFile, at + 14 + codeLength) != 0;
          }
          at = next;
        }
        methods.add(new Method(name, descriptor, access, code, handlers));
      }
      return methods;
    } catch (ArrayIndexOutOfBoundsException truncated) {
      throw new IllegalArgumentException("truncated class file", truncated);
    }
  }

  /**
   * {@return the name and descriptor of the method constant {@code index} refers to ({@code
   * Methodref} or {@code InterfaceMethodref}), or {@code null} if it refers to none}
   */
  public String[] methodRef(int index) {
    int[] starts = starts();
    if (index <= 0 || index >= count || starts[index] == 0) {
      return null;
    }
    int ref = starts[index];
    if (classFile[ref] != 10 && classFile[ref] != 11) {
      return null;
    }
    int nameAndType = starts[u2(classFile, ref + 3)];
    if (nameAndType == 0 || classFile[nameAndType] != 12) {
      return null;
    }
    return new String[] {
      utf8(starts, u2(classFile, nameAndType + 1)), utf8(starts, u2(classFile, nameAndType + 3))
    };
  }

  /**
   * {@return where each constant starts (its tag), by index; 0 for none}: made at the first call,
   * never for the prefilter
   */
  private int[] starts() {
    if (starts != null) {
      return starts;
    }
    int[] starts = new int[count];
    int at = 10;
    for (int index = 1; index < count; index++) {
      starts[index] = at;
      if (isWide(classFile, at)) {
        index++;
      }
      at += size(classFile, at);
    }
    this.starts = starts;
    return starts;
  }

  /**
   * {@return where the methods' count is: past the interfaces, and the fields with their
   * attributes}
   */
  private int methodsAt() {
    int at = end + 8 + 2 * u2(classFile, end + 6);
    // the fields: access, name, descriptor, then their attributes
    int fields = u2(classFile, at);
    at += 2;
    for (int i = 0; i < fields; i++) {
      at = skipAttributes(at + 6);
    }
    return at;
  }

  private int skipAttributes(int at) {
    int attributes = u2(classFile, at);
    at += 2;
    for (int a = 0; a < attributes; a++) {
      at = attributeEnd(at);
    }
    return at;
  }

  /**
   * {@return where the attribute at {@code at} ends}: its length read unsigned, as the JVM reads
   * it, so that a walk only ever moves forward (a length read as a negative int would send it back
   * over the same bytes, without end)
   *
   * @throws IllegalArgumentException if it ends past the class file
   */
  private int attributeEnd(int at) {
    long end = at + 6L + Integer.toUnsignedLong(u4(classFile, at + 2));
    if (end > classFile.length) {
      throw new IllegalArgumentException("an attribute runs past the class file");
    }
    return (int) end;
  }

  /**
   * {@return the text of the UTF-8 entry {@code index}, which starts at {@code entry}, decoded as
   * the JVM decodes a name}
   */
  private String decoded(int entry, int index) {
    if (classFile[entry] != 1) {
      throw new IllegalArgumentException("constant " + index + " is no UTF-8 entry");
    }
    return AnnotationNames.decoded(classFile, entry + 3, entry + 3 + length(entry));
  }

  private String utf8(int[] starts, int index) {
    return text(utf8Entry(starts, index));
  }

  /** {@return where UTF-8 entry {@code index} starts (its tag)} */
  private int utf8Entry(int[] starts, int index) {
    int entry = index > 0 && index < count ? starts[index] : 0;
    if (entry == 0 || classFile[entry] != 1) {
      throw new IllegalArgumentException("constant " + index + " is no UTF-8 entry");
    }
    return entry;
  }

  /** {@return the length of the UTF-8 entry at {@code name}, which the file holds whole} */
  private int length(int name) {
    int length = u2(classFile, name + 1);
    if (name + 3 + length > classFile.length) {
      throw new IllegalArgumentException("truncated class file");
    }
    return length;
  }

  private String className(int index) {
    int entry = where(index);
    if (entry == 0 || classFile[entry] != 7) {
      throw new IllegalArgumentException("constant " + index + " is not a class");
    }
    int name = where(u2(classFile, entry + 1));
    if (name == 0 || classFile[name] != 1) {
      throw new IllegalArgumentException("constant " + index + " names no UTF-8 entry");
    }
    return text(name);
  }

  /** {@return the text of the UTF-8 entry at {@code name}} */
  private String text(int name) {
    int length = length(name);
    for (int i = name + 3; i < name + 3 + length; i++) {
      if (classFile[i] < 0) {
        return modifiedUtf8(name);
      }
    }
    return new String(classFile, name + 3, length, StandardCharsets.ISO_8859_1);
  }

  /** A name with letters beyond ASCII, in the class file's modified UTF-8 (as DataInput's). */
  private String modifiedUtf8(int entry) {
    try {
      return new DataInputStream(
              new ByteArrayInputStream(classFile, entry + 1, classFile.length - entry - 1))
          .readUTF();
    } catch (IOException malformed) {
      throw new IllegalArgumentException("malformed name in the constant pool", malformed);
    }
  }

  /** {@return the unsigned 16-bit number at {@code at}} */
  public static int u2(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
  }

  private static int u4(byte[] bytes, int at) {
    return (u2(bytes, at) << 16) | u2(bytes, at + 2);
  }
}
