package io.toolguard.agent.weave;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves a JDK class without rebuilding it: ASM writes only the hooked methods, with {@link
 * Inserter}, into a small donor class of their own, and their {@code Code} attributes are spliced
 * into the original class file, whose every other byte is kept. The donor's constants those {@code
 * Code} attributes use are found in the original constant pool or appended to it, and every
 * constant index in them is renumbered.
 *
 * <p>Why: {@code new ClassWriter(reader)} copies the whole constant pool of each class into objects
 * (an entry per constant, a string per name) to weave a method or two: more than half of what the
 * weaving of the ~90 hooked JDK classes allocated at start-up, enough for a young collection before
 * the application's {@code main}.
 *
 * <p>Anything this does not know (an instruction, a {@code Code} attribute, a constant kind, a
 * bootstrap method the class does not have, a constant pool that would overflow) makes it answer
 * null, and the class is woven the ASM way instead: it never drops what it does not understand.
 */
final class CodeSplice {

  private static final int UTF8 = 1;
  private static final int INTEGER = 3;
  private static final int FLOAT = 4;
  private static final int LONG = 5;
  private static final int DOUBLE = 6;
  private static final int CLASS = 7;
  private static final int STRING = 8;
  private static final int FIELD = 9;
  private static final int METHOD = 10;
  private static final int INTERFACE_METHOD = 11;
  private static final int NAME_AND_TYPE = 12;
  private static final int METHOD_HANDLE = 15;
  private static final int METHOD_TYPE = 16;
  private static final int DYNAMIC = 17;
  private static final int INVOKE_DYNAMIC = 18;
  private static final int MODULE = 19;
  private static final int PACKAGE = 20;

  /** The length of a constant of each tag but UTF-8, its tag included; 0 for no constant. */
  private static final byte[] LENGTHS = {
    0, 0, 0, 5, 5, 9, 9, 3, 3, 5, 5, 5, 5, 0, 0, 4, 3, 5, 5, 3, 3
  };

  /**
   * Constants the donor's pool starts with when an {@code ldc} of its would not reach the index its
   * constant gets in the woven class: each {@code long} takes two slots, so every constant the
   * donor's methods use then has an index above 255, and ASM writes {@code ldc_w} for it.
   */
  private static final int WIDENING_LONGS = 128;

  private final ClassFile original;
  private final ClassFile donor;

  /** The woven class's index of each donor constant, 0 until it has one. */
  private final int[] renumbered;

  /** Original constant indices by hash of their bytes (open addressing; 0 is free). */
  private final int[] index;

  private final Growing appended = new Growing(256);
  private int count;
  private final byte[] entry = new byte[5];

  /** The original bootstrap method of each donor bootstrap method, plus one; 0 until looked up. */
  private int[] bootstrapMethods;

  private int[] donorBootstrapMethods;
  private int[] originalBootstrapMethods;

  /** Set when a donor {@code ldc} would not reach its constant's index in the woven class. */
  private boolean ldcOutOfReach;

  private CodeSplice(ClassFile original, ClassFile donor) {
    this.original = original;
    this.donor = donor;
    this.renumbered = new int[donor.count];
    this.count = original.count;
    this.index = new int[Integer.highestOneBit(Math.max(original.count, 8)) << 1];
    // One loop without calls: it runs interpreted, over every constant of each hooked class. The
    // reader has checked each constant's tag.
    byte[] bytes = original.bytes;
    int mask = index.length - 1;
    int at = 10;
    for (int i = 1; i < original.count; i++) {
      int tag = bytes[at];
      int length =
          tag == UTF8 ? 3 + (((bytes[at + 1] & 0xFF) << 8) | (bytes[at + 2] & 0xFF)) : LENGTHS[tag];
      int end = at + length;
      int hash = 31 * length + tag;
      hash = 31 * hash + bytes[end - 1];
      hash = 31 * hash + bytes[at + (length >> 1)];
      hash = 31 * hash + bytes[at + (length >> 2) + 1];
      hash = 31 * hash + bytes[end - 2];
      hash = 31 * hash + bytes[at + ((3 * length) >> 2)];
      int slot = (hash ^ (hash >>> 16)) & mask;
      while (index[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      index[slot] = i;
      if (tag == LONG || tag == DOUBLE) {
        i++;
      }
      at = end;
    }
    if (at != original.constantsEnd) {
      throw new IllegalStateException("the constant pool is not where the reader found it");
    }
  }

  /**
   * {@return the class file with the hooks' calls inserted into the methods they match, or null
   * when it must be woven the ASM way}, adding the hooks that matched a method to {@code found}
   *
   * @throws IllegalStateException when a hook does not fit its method (as the ASM way would)
   */
  static byte[] weave(
      String internalName, byte[] classFile, List<Hook> classHooks, Set<Hook> found) {
    ClassReader reader = new ClassReader(classFile);
    ClassFile original;
    try {
      original = new ClassFile(reader, classFile);
    } catch (RuntimeException unexpected) {
      return null;
    }
    for (boolean widened = pushesString(classHooks); ; widened = true) {
      Donor donor = Donor.of(internalName, reader, classHooks, found, widened);
      if (donor.methods.length == 0) {
        // No method of this JDK's matched (only optional hooks here): nothing to weave.
        return classFile;
      }
      try {
        CodeSplice splice = new CodeSplice(original, new ClassFile(donor.classFile));
        byte[] woven = splice.splice(donor.methods);
        if (woven != null || !splice.ldcOutOfReach || widened) {
          return woven;
        }
      } catch (RuntimeException unexpected) {
        return null;
      }
    }
  }

  /**
   * {@return whether a hook pushes a string constant}: one the class does not have gets an index
   * past 255 in its pool, which no {@code ldc} reaches, so the donor is widened from the start
   */
  private static boolean pushesString(List<Hook> classHooks) {
    for (Hook hook : classHooks) {
      for (Insertion insertion : hook.insertions()) {
        if (insertion instanceof Insertion.Check check) {
          for (Insertion.Source source : check.arguments()) {
            if (source instanceof Insertion.Constant) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /** The hooked methods, woven by ASM into a class of their own, and their places in the class. */
  private record Donor(byte[] classFile, int[] methods) {

    static Donor of(
        String internalName,
        ClassReader reader,
        List<Hook> classHooks,
        Set<Hook> found,
        boolean widened) {
      ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
      int[][] methods = {new int[4]};
      int[] woven = {0};
      reader.accept(
          new ClassVisitor(Opcodes.ASM9) {
            private int ordinal;

            @Override
            public void visit(
                int version,
                int access,
                String name,
                String signature,
                String superName,
                String[] interfaces) {
              writer.visit(version, access, name, null, superName, null);
              if (widened) {
                for (long i = 0; i < WIDENING_LONGS; i++) {
                  writer.newConst(i);
                }
              }
            }

            @Override
            public MethodVisitor visitMethod(
                int access, String name, String descriptor, String signature, String[] exceptions) {
              int at = ordinal++;
              if (!JdkWeaver.weavable(access)) {
                return null;
              }
              MethodVisitor method = null;
              // Indexed: no iterator per method of the class.
              for (int i = 0; i < classHooks.size(); i++) {
                Hook hook = classHooks.get(i);
                if (hook.matches(name, descriptor)) {
                  found.add(hook);
                  if (method == null) {
                    method = writer.visitMethod(access, name, descriptor, null, null);
                    if (woven[0] == methods[0].length) {
                      methods[0] = Arrays.copyOf(methods[0], woven[0] * 2);
                    }
                    methods[0][woven[0]++] = at;
                  }
                  method = new Inserter(method, internalName, access, descriptor, hook);
                }
              }
              return method;
            }
          },
          0);
      return new Donor(writer.toByteArray(), Arrays.copyOf(methods[0], woven[0]));
    }
  }

  /**
   * {@return the original class file with the {@code Code} attribute of each method at {@code
   * ordinals} replaced by the donor's, or null}
   */
  private byte[] splice(int[] ordinals) {
    int[] donorMethods = donor.methods();
    int[] originalMethods = original.methods();
    if (donorMethods.length != ordinals.length) {
      return null;
    }
    byte[][] codes = new byte[ordinals.length][];
    int[] replaced = new int[ordinals.length];
    int growth = 0;
    for (int i = 0; i < ordinals.length; i++) {
      if (ordinals[i] >= originalMethods.length) {
        return null;
      }
      int originalMethod = originalMethods[ordinals[i]];
      int donorMethod = donorMethods[i];
      if (!sameUtf8(original.u2(originalMethod + 2), donor.u2(donorMethod + 2))
          || !sameUtf8(original.u2(originalMethod + 4), donor.u2(donorMethod + 4))) {
        return null;
      }
      int originalCode = original.code(originalMethod);
      int donorCode = donor.code(donorMethod);
      if (originalCode < 0 || donorCode < 0 || (i > 0 && originalCode <= replaced[i - 1])) {
        return null;
      }
      codes[i] = code(donorCode);
      if (codes[i] == null) {
        return null;
      }
      replaced[i] = originalCode;
      growth += codes[i].length - original.u4(originalCode + 2);
    }
    if (count > 0xFFFF) {
      return null;
    }
    byte[] in = original.bytes;
    byte[] out = new byte[in.length + appended.length + growth];
    System.arraycopy(in, 0, out, 0, 8);
    out[8] = (byte) (count >>> 8);
    out[9] = (byte) count;
    System.arraycopy(in, 10, out, 10, original.constantsEnd - 10);
    int to = original.constantsEnd;
    System.arraycopy(appended.bytes, 0, out, to, appended.length);
    to += appended.length;
    int from = original.constantsEnd;
    for (int i = 0; i < replaced.length; i++) {
      // Up to and with the attribute's name, then its new length and body.
      int kept = replaced[i] + 2 - from;
      System.arraycopy(in, from, out, to, kept);
      to += kept;
      putU4(out, to, codes[i].length);
      to += 4;
      System.arraycopy(codes[i], 0, out, to, codes[i].length);
      to += codes[i].length;
      from = replaced[i] + 6 + original.u4(replaced[i] + 2);
    }
    System.arraycopy(in, from, out, to, in.length - from);
    return to + in.length - from == out.length ? out : null;
  }

  /**
   * {@return the body of the donor's {@code Code} attribute at {@code attribute}, renumbered, or
   * null when it has something this does not know}
   */
  private byte[] code(int attribute) {
    int length = donor.u4(attribute + 2);
    int start = attribute + 6;
    byte[] code = Arrays.copyOfRange(donor.bytes, start, start + length);
    int codeLength = u4(code, 4);
    if (!instructions(code, 8, codeLength)) {
      return null;
    }
    int at = 8 + codeLength;
    int handlers = u2(code, at);
    at += 2;
    for (int i = 0; i < handlers; i++, at += 8) {
      int catchType = u2(code, at + 6);
      if (catchType != 0) {
        putU2(code, at + 6, renumber(catchType));
      }
    }
    int attributes = u2(code, at);
    at += 2;
    for (int i = 0; i < attributes; i++) {
      int name = u2(code, at);
      int size = u4(code, at + 2);
      int body = at + 6;
      putU2(code, at, renumber(name));
      if (donor.utf8Is(name, "StackMapTable")) {
        if (!frames(code, body, body + size)) {
          return null;
        }
      } else if (donor.utf8Is(name, "LocalVariableTable")
          || donor.utf8Is(name, "LocalVariableTypeTable")) {
        int variables = u2(code, body);
        if (2 + variables * 10 != size) {
          return null;
        }
        for (int v = 0, e = body + 2; v < variables; v++, e += 10) {
          putU2(code, e + 4, renumber(u2(code, e + 4)));
          putU2(code, e + 6, renumber(u2(code, e + 6)));
        }
      } else if (!donor.utf8Is(name, "LineNumberTable")) {
        // Type annotations, say: they name constants this does not renumber.
        return null;
      }
      at = body + size;
    }
    return at == length ? code : null;
  }

  /**
   * Renumbers the constants the instructions in {@code code[from, from + length)} use.
   *
   * @return false at an instruction this does not know, or one that would no longer fit
   */
  private boolean instructions(byte[] code, int from, int length) {
    int end = from + length;
    int at = from;
    while (at < end) {
      int opcode = code[at] & 0xFF;
      int size = Instructions.size(code, at - from, at);
      if (size <= 0 || at + size > end) {
        return false;
      }
      if (opcode == Opcodes.LDC) {
        int constant = renumber(code[at + 1] & 0xFF);
        if (constant > 0xFF) {
          ldcOutOfReach = true;
          return false;
        }
        code[at + 1] = (byte) constant;
      } else if (Instructions.namesConstant(opcode)) {
        putU2(code, at + 1, renumber(u2(code, at + 1)));
      }
      at += size;
    }
    return at == end;
  }

  /** Renumbers the classes the stack map frames in {@code code[from, to)} name. */
  private boolean frames(byte[] code, int from, int to) {
    int frames = u2(code, from);
    int at = from + 2;
    for (int f = 0; f < frames; f++) {
      int type = code[at++] & 0xFF;
      if (type < 64) {
        continue;
      } else if (type < 128) {
        at = type(code, at);
      } else if (type < 247) {
        return false;
      } else if (type == 247) {
        at = type(code, at + 2);
      } else if (type < 252) {
        at += 2;
      } else if (type < 255) {
        at += 2;
        for (int i = 251; i < type; i++) {
          at = type(code, at);
        }
      } else {
        at += 2;
        for (int list = 0; list < 2; list++) {
          int types = u2(code, at);
          at += 2;
          for (int i = 0; i < types; i++) {
            at = type(code, at);
          }
        }
      }
      if (at < 0 || at > to) {
        return false;
      }
    }
    return at == to;
  }

  /** {@return the end of the verification type at {@code at}, renumbered, or -1} */
  private int type(byte[] code, int at) {
    if (at < 0) {
      return -1;
    }
    int tag = code[at] & 0xFF;
    if (tag <= 6) {
      return at + 1;
    } else if (tag == 7) {
      putU2(code, at + 1, renumber(u2(code, at + 1)));
      return at + 3;
    } else if (tag == 8) {
      return at + 3;
    }
    return -1;
  }

  /** {@return the woven class's index of donor constant {@code constant}} */
  private int renumber(int constant) {
    int known = renumbered[constant];
    if (known != 0) {
      return known;
    }
    int at = donor.constant(constant);
    byte[] bytes = donor.bytes;
    int tag = bytes[at] & 0xFF;
    int found;
    switch (tag) {
      case UTF8, INTEGER, FLOAT, LONG, DOUBLE -> {
        found = findOrAppend(bytes, at, donor.constantLength(at), tag);
      }
      case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> {
        int name = renumber(donor.u2(at + 1));
        entry[0] = (byte) tag;
        putU2(entry, 1, name);
        found = findOrAppend(entry, 0, 3, tag);
      }
      case FIELD, METHOD, INTERFACE_METHOD, NAME_AND_TYPE -> {
        int first = renumber(donor.u2(at + 1));
        int second = renumber(donor.u2(at + 3));
        entry[0] = (byte) tag;
        putU2(entry, 1, first);
        putU2(entry, 3, second);
        found = findOrAppend(entry, 0, 5, tag);
      }
      case METHOD_HANDLE -> {
        int kind = bytes[at + 1];
        int reference = renumber(donor.u2(at + 2));
        entry[0] = (byte) tag;
        entry[1] = (byte) kind;
        putU2(entry, 2, reference);
        found = findOrAppend(entry, 0, 4, tag);
      }
      case DYNAMIC, INVOKE_DYNAMIC -> {
        int bootstrap = bootstrapMethod(donor.u2(at + 1));
        int nameAndType = renumber(donor.u2(at + 3));
        entry[0] = (byte) tag;
        putU2(entry, 1, bootstrap);
        putU2(entry, 3, nameAndType);
        found = findOrAppend(entry, 0, 5, tag);
      }
      default -> throw new IllegalStateException("constant kind " + tag);
    }
    renumbered[constant] = found;
    return found;
  }

  /**
   * {@return the original class's bootstrap method that is the donor's {@code method}}: the donor's
   * methods are the original's, so each of its bootstrap methods is one of the original's.
   */
  private int bootstrapMethod(int method) {
    if (bootstrapMethods == null) {
      donorBootstrapMethods = donor.bootstrapMethods();
      originalBootstrapMethods = original.bootstrapMethods();
      bootstrapMethods = new int[donorBootstrapMethods.length];
    }
    int[] donorMethods = donorBootstrapMethods;
    int[] originalMethods = originalBootstrapMethods;
    if (bootstrapMethods[method] != 0) {
      return bootstrapMethods[method] - 1;
    }
    int at = donorMethods[method];
    int arguments = donor.u2(at + 2);
    int[] wanted = new int[arguments + 1];
    wanted[0] = renumber(donor.u2(at));
    for (int i = 0; i < arguments; i++) {
      wanted[i + 1] = renumber(donor.u2(at + 4 + 2 * i));
    }
    for (int candidate = 0; candidate < originalMethods.length; candidate++) {
      int to = originalMethods[candidate];
      if (original.u2(to) == wanted[0] && original.u2(to + 2) == arguments) {
        boolean same = true;
        for (int i = 0; i < arguments && same; i++) {
          same = original.u2(to + 4 + 2 * i) == wanted[i + 1];
        }
        if (same) {
          bootstrapMethods[method] = candidate + 1;
          return candidate;
        }
      }
    }
    throw new IllegalStateException("a bootstrap method the class does not have");
  }

  /** {@return the index of the constant {@code bytes[at, at + length)}, appended if new} */
  private int findOrAppend(byte[] bytes, int at, int length, int tag) {
    int slot = hash(bytes, at, length) & (index.length - 1);
    byte[] in = original.bytes;
    for (int candidate = index[slot]; candidate != 0; candidate = index[slot]) {
      int there = original.constant(candidate);
      if (original.constantLength(there) == length
          && Arrays.equals(in, there, there + length, bytes, at, at + length)) {
        return candidate;
      }
      slot = (slot + 1) & (index.length - 1);
    }
    int constant = count;
    count += tag == LONG || tag == DOUBLE ? 2 : 1;
    if (count > 0xFFFF) {
      throw new IllegalStateException("constant pool overflow");
    }
    appended.write(bytes, at, length);
    return constant;
  }

  private boolean sameUtf8(int originalConstant, int donorConstant) {
    int a = original.constant(originalConstant);
    int b = donor.constant(donorConstant);
    int length = original.constantLength(a);
    return original.bytes[a] == UTF8
        && donor.bytes[b] == UTF8
        && Arrays.equals(original.bytes, a, a + length, donor.bytes, b, b + length);
  }

  /**
   * {@return a hash of the constant {@code bytes[at, at + length)}}, as the constructor indexes the
   * original pool: of its length, its tag and five of its bytes, so that indexing a pool costs
   * little whatever its strings' length; constants alike there are told apart by comparing them.
   */
  private static int hash(byte[] bytes, int at, int length) {
    int end = at + length;
    int hash = 31 * length + bytes[at];
    hash = 31 * hash + bytes[end - 1];
    hash = 31 * hash + bytes[at + (length >> 1)];
    hash = 31 * hash + bytes[at + (length >> 2) + 1];
    hash = 31 * hash + bytes[end - 2];
    hash = 31 * hash + bytes[at + ((3 * length) >> 2)];
    return hash ^ (hash >>> 16);
  }

  static int u2(byte[] bytes, int at) {
    return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
  }

  static int u4(byte[] bytes, int at) {
    return (u2(bytes, at) << 16) | u2(bytes, at + 2);
  }

  private static void putU2(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 8);
    bytes[at + 1] = (byte) value;
  }

  private static void putU4(byte[] bytes, int at, int value) {
    putU2(bytes, at, value >>> 16);
    putU2(bytes, at + 2, value);
  }

  /** A byte array that grows as written. */
  private static final class Growing {
    byte[] bytes;
    int length;

    Growing(int capacity) {
      bytes = new byte[capacity];
    }

    void write(byte[] from, int at, int size) {
      if (length + size > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + size));
      }
      System.arraycopy(from, at, bytes, length, size);
      length += size;
    }
  }

  /**
   * Where things are in a class file: each constant, each method, the {@code Code} attribute of a
   * method, the bootstrap methods. Reading past the end throws, and the caller gives up.
   */
  private static final class ClassFile {
    final byte[] bytes;
    final int count;

    /**
     * The offset of each constant's tag; 0 for index 0 and the slot after a long or double. Null
     * when {@link #reader} has them.
     */
    private final int[] constants;

    /** The reader of the original class, which knows where each constant is: not found twice. */
    private final ClassReader reader;

    final int constantsEnd;

    ClassFile(ClassReader reader, byte[] bytes) {
      this.bytes = bytes;
      this.reader = reader;
      this.constants = null;
      this.count = reader.getItemCount();
      this.constantsEnd = reader.header;
      if (CodeSplice.u4(bytes, 0) != 0xCAFEBABE || CodeSplice.u2(bytes, 8) != count) {
        throw new IllegalStateException("not the class file read");
      }
    }

    /** {@return the offset of constant {@code index}'s tag; -1 or 0 when there is none} */
    int constant(int index) {
      return constants != null ? constants[index] : reader.getItem(index) - 1;
    }

    ClassFile(byte[] bytes) {
      this.bytes = bytes;
      this.reader = null;
      if (CodeSplice.u4(bytes, 0) != 0xCAFEBABE) {
        throw new IllegalStateException("not a class file");
      }
      count = CodeSplice.u2(bytes, 8);
      constants = new int[count];
      int at = 10;
      for (int i = 1; i < count; i++) {
        constants[i] = at;
        int tag = bytes[at];
        at += constantLength(at);
        if (tag == LONG || tag == DOUBLE) {
          i++;
        }
      }
      constantsEnd = at;
    }

    /** {@return the length of the constant at {@code at}, its tag included} */
    int constantLength(int at) {
      return switch (bytes[at]) {
        case UTF8 -> 3 + u2(at + 1);
        case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> 3;
        case METHOD_HANDLE -> 4;
        case INTEGER,
            FLOAT,
            FIELD,
            METHOD,
            INTERFACE_METHOD,
            NAME_AND_TYPE,
            DYNAMIC,
            INVOKE_DYNAMIC ->
            5;
        case LONG, DOUBLE -> 9;
        default -> throw new IllegalStateException("constant kind " + bytes[at]);
      };
    }

    int u2(int at) {
      return CodeSplice.u2(bytes, at);
    }

    int u4(int at) {
      return CodeSplice.u4(bytes, at);
    }

    boolean utf8Is(int constant, String text) {
      int at = constant(constant);
      if (bytes[at] != UTF8 || u2(at + 1) != text.length()) {
        return false;
      }
      for (int i = 0; i < text.length(); i++) {
        if (bytes[at + 3 + i] != text.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** {@return the end of the attributes whose count is at {@code at}} */
    private int skipAttributes(int at) {
      int attributes = u2(at);
      at += 2;
      for (int i = 0; i < attributes; i++) {
        at += 6 + u4(at + 2);
      }
      return at;
    }

    /** {@return the offset of the count of methods} */
    private int methodsCount() {
      int at = constantsEnd + 6;
      at += 2 + 2 * u2(at);
      int fields = u2(at);
      at += 2;
      for (int i = 0; i < fields; i++) {
        at = skipAttributes(at + 6);
      }
      return at;
    }

    /** {@return the offset of each method} */
    int[] methods() {
      int at = methodsCount();
      int[] methods = new int[u2(at)];
      at += 2;
      for (int i = 0; i < methods.length; i++) {
        methods[i] = at;
        at = skipAttributes(at + 6);
      }
      return methods;
    }

    /** {@return the offset of the {@code Code} attribute of the method at {@code method}, or -1} */
    int code(int method) {
      int attributes = u2(method + 6);
      int at = method + 8;
      int code = -1;
      for (int i = 0; i < attributes; i++) {
        if (utf8Is(u2(at), "Code")) {
          if (code >= 0) {
            return -1;
          }
          code = at;
        }
        at += 6 + u4(at + 2);
      }
      return code;
    }

    /** {@return the offset of each bootstrap method; none when the class has none} */
    int[] bootstrapMethods() {
      int at = methodsCount();
      int methods = u2(at);
      at += 2;
      for (int i = 0; i < methods; i++) {
        at = skipAttributes(at + 6);
      }
      int attributes = u2(at);
      at += 2;
      for (int i = 0; i < attributes; i++) {
        if (utf8Is(u2(at), "BootstrapMethods")) {
          int[] offsets = new int[u2(at + 6)];
          int method = at + 8;
          for (int m = 0; m < offsets.length; m++) {
            offsets[m] = method;
            method += 4 + 2 * u2(method + 2);
          }
          return offsets;
        }
        at += 6 + u4(at + 2);
      }
      return new int[0];
    }
  }
}
