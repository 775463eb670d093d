package io.toolguard.agent.weave;

import net.bytebuddy.jar.asm.Opcodes;

/**
 * The length of each JVM instruction, and which name a constant by a two-byte index: what {@link
 * CodeSplice} needs to walk a method's code and renumber its constants without decoding it.
 */
final class Instructions {

  private Instructions() {}

  /**
   * {@return the length of the instruction at {@code code[at]}, whose offset in its method's code
   * is {@code pc}, or 0 for an opcode the JVM does not define (or defines only for debuggers)}
   */
  static int size(byte[] code, int pc, int at) {
    int opcode = code[at] & 0xFF;
    if (opcode == Opcodes.TABLESWITCH) {
      int table = at + 1 + padding(pc);
      int low = CodeSplice.u4(code, table + 4);
      int high = CodeSplice.u4(code, table + 8);
      long cases = (long) high - low + 1;
      return cases < 1 || cases > 0xFFFF ? 0 : table + 12 + 4 * (int) cases - at;
    }
    if (opcode == Opcodes.LOOKUPSWITCH) {
      int table = at + 1 + padding(pc);
      int pairs = CodeSplice.u4(code, table + 4);
      return pairs < 0 || pairs > 0xFFFF ? 0 : table + 8 + 8 * pairs - at;
    }
    if (opcode == WIDE) {
      int widened = code[at + 1] & 0xFF;
      if (widened == Opcodes.IINC) {
        return 6;
      }
      boolean local =
          (widened >= Opcodes.ILOAD && widened <= Opcodes.ALOAD)
              || (widened >= Opcodes.ISTORE && widened <= Opcodes.ASTORE)
              || widened == Opcodes.RET;
      return local ? 4 : 0;
    }
    return opcode < SIZES.length() ? SIZES.charAt(opcode) - '0' : 0;
  }

  /** {@return whether the instruction with {@code opcode} names a constant by its next 2 bytes} */
  static boolean namesConstant(int opcode) {
    return opcode == LDC_W
        || opcode == LDC2_W
        || (opcode >= Opcodes.GETSTATIC && opcode <= Opcodes.INVOKEDYNAMIC)
        || opcode == Opcodes.NEW
        || opcode == Opcodes.ANEWARRAY
        || opcode == Opcodes.CHECKCAST
        || opcode == Opcodes.INSTANCEOF
        || opcode == Opcodes.MULTIANEWARRAY;
  }

  /** The bytes between a switch's opcode and its table, which starts at a multiple of 4. */
  private static int padding(int pc) {
    return 3 - (pc & 3);
  }

  private static final int WIDE = 0xC4;
  private static final int LDC_W = 0x13;
  private static final int LDC2_W = 0x14;

  /**
   * The length of each fixed-length instruction, by opcode (0xC9, {@code jsr_w}, is the last); 0
   * for the switches and {@code wide}, whose length is computed.
   */
  private static final String SIZES =
      // 0x00 nop .. 0x0F dconst_1
      "1111111111111111"
          // 0x10 bipush, sipush, ldc, ldc_w, ldc2_w, iload..aload (0x15-0x19), xload_n ..
          + "2323322222111111"
          // 0x20 .. 0x2F: xload_n, array loads
          + "1111111111111111"
          // 0x30 .. 0x3F: array loads, istore..astore (0x36-0x3A), xstore_n
          + "1111112222211111"
          // 0x40 .. 0x7F: stores, array stores, stack, arithmetic
          + "1111111111111111"
          + "1111111111111111"
          + "1111111111111111"
          + "1111111111111111"
          // 0x80 .. 0x8F: ior .. lxor, iinc (0x84), conversions
          + "1111311111111111"
          // 0x90 .. 0x9F: conversions, compares, ifeq ..
          + "1111111113333333"
          // 0xA0 .. 0xAF: if_icmp* .. jsr, ret (0xA9), switches, returns
          + "3333333332001111"
          // 0xB0 .. 0xBF: returns, field and method instructions, new, newarray, anewarray ..
          + "1133333335532311"
          // 0xC0 checkcast, instanceof, monitors, wide, multianewarray, ifnull, ifnonnull, goto_w,
          // jsr_w
          + "3311043355";
}
