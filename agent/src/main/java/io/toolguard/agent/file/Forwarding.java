package io.toolguard.agent.file;

import io.toolguard.agent.tool.ConstantPool;

/**
 * Whether a JDK method does nothing but call another method of the same object with the same
 * arguments and return its result: such a method needs no check of its own when the method it
 * forwards to is checked, and checking both would check one open twice ({@code newByteChannel} on
 * JDK 25 only calls {@code newFileChannel}, where JDK 17 opens the file itself). Read from the
 * class file this JDK runs, so the answer is what the code does, not what a JDK version suggests;
 * anything else (a class file that cannot be read, one more instruction, a handler) answers no, and
 * the method keeps its own check. Read by hand ({@link ConstantPool}), as ASM's reader alone took
 * about 10 ms of the start-up's weaving thread.
 */
final class Forwarding {

  private static final int ALOAD = 0x19;
  private static final int ILOAD = 0x15;
  private static final int ILOAD_0 = 0x1a;
  private static final int ALOAD_3 = 0x2d;
  private static final int WIDE = 0xc4;
  private static final int INVOKEVIRTUAL = 0xb6;
  private static final int ARETURN = 0xb0;
  private static final int STATIC_OR_ABSTRACT = 0x0008 | 0x0400;

  private Forwarding() {}

  /**
   * {@return whether {@code type}'s method {@code name + descriptor} is exactly {@code return
   * this.target(arguments…)}, an instance call with the same descriptor}
   */
  static boolean onlyCalls(Class<?> type, String name, String descriptor, String target) {
    byte[] classFile = ConstantPool.classFile(type);
    return classFile != null && onlyCalls(classFile, name, descriptor, target);
  }

  /** {@return as above, for the method in this class file} */
  static boolean onlyCalls(byte[] classFile, String name, String descriptor, String target) {
    ConstantPool pool = ConstantPool.read(classFile);
    if (pool == null) {
      return false;
    }
    try {
      for (ConstantPool.Method method : pool.methods()) {
        if (method.name().equals(name) && method.descriptor().equals(descriptor)) {
          return forwards(pool, method, target);
        }
      }
    } catch (IllegalArgumentException | IndexOutOfBoundsException unreadable) {
      return false;
    }
    return false;
  }

  /**
   * {@return whether the code is: a load of {@code this}, a load of each argument by its slot, an
   * {@code invokevirtual} of {@code target} with the same parameters, {@code areturn}}
   */
  private static boolean forwards(ConstantPool pool, ConstantPool.Method method, String target) {
    byte[] code = method.code();
    if ((method.access() & STATIC_OR_ABSTRACT) != 0 || code == null || method.handlers()) {
      return false;
    }
    int at = 0;
    int slot = 0;
    for (int size : slotSizes(method.descriptor())) {
      int next = load(code, at, slot);
      if (next < 0) {
        return false;
      }
      at = next;
      slot += size;
    }
    if (at + 4 != code.length
        || (code[at] & 0xff) != INVOKEVIRTUAL
        || (code[at + 3] & 0xff) != ARETURN) {
      return false;
    }
    String[] called = pool.methodRef(ConstantPool.u2(code, at + 1));
    String parameters = method.descriptor().substring(0, method.descriptor().indexOf(')') + 1);
    return called != null && called[0].equals(target) && called[1].startsWith(parameters);
  }

  /**
   * {@return where the instruction after a load of local {@code slot} at {@code at} starts, or -1
   * if there is no such load there}
   */
  private static int load(byte[] code, int at, int slot) {
    if (at >= code.length) {
      return -1;
    }
    int opcode = code[at] & 0xff;
    if (opcode >= ILOAD_0 && opcode <= ALOAD_3) {
      return (opcode - ILOAD_0) % 4 == slot ? at + 1 : -1;
    }
    if (opcode >= ILOAD && opcode <= ALOAD && at + 1 < code.length) {
      return (code[at + 1] & 0xff) == slot ? at + 2 : -1;
    }
    if (opcode == WIDE && at + 3 < code.length) {
      int wideOpcode = code[at + 1] & 0xff;
      return wideOpcode >= ILOAD && wideOpcode <= ALOAD && ConstantPool.u2(code, at + 2) == slot
          ? at + 4
          : -1;
    }
    return -1;
  }

  /** {@return the local slots of {@code this} and each parameter: 2 for long and double} */
  private static int[] slotSizes(String descriptor) {
    java.util.List<Integer> sizes = new java.util.ArrayList<>();
    sizes.add(1);
    int at = 1;
    while (descriptor.charAt(at) != ')') {
      char kind = descriptor.charAt(at);
      sizes.add(kind == 'J' || kind == 'D' ? 2 : 1);
      while (descriptor.charAt(at) == '[') {
        at++;
      }
      at = descriptor.charAt(at) == 'L' ? descriptor.indexOf(';', at) + 1 : at + 1;
    }
    int[] slots = new int[sizes.size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = sizes.get(i);
    }
    return slots;
  }
}
