package io.toolguard.agent.tool;

/**
 * How an annotation's type descriptor in a class file becomes the class name a tool annotation is
 * compared with: read as reflection reads it, so that the agent and the frameworks that register
 * tools (which ask reflection) agree on which methods carry a tool annotation.
 *
 * <p>Reflection ({@code sun.reflect.annotation.AnnotationParser.parseSig}, JDK 17 to 25) parses the
 * descriptor as a generic type signature and does not check that the parse used all of it: {@code
 * Lio/toolguard/api/Tool;x} names {@code io.toolguard.api.Tool}. The JVM does not check annotation
 * descriptors when it loads a class, so a class file patched this way still loads, and a tool read
 * by the class file's own rules ({@code Type.getType(descriptor)}) would not have been found, and
 * would have run unchecked. So this reads the path of class names the way the JDK's {@code
 * SignatureParser} does, and where the JDK gives no class (type arguments, which make a
 * parameterized type reflection then fails to cast; an array; characters before the {@code L}; a
 * {@code .} in the package part) it still names the class the text spells: a method it wrongly
 * takes for a tool is only asked about, one it wrongly leaves out would run unchecked.
 */
final class AnnotationNames {

  private AnnotationNames() {}

  /**
   * {@return the binary name of the class this annotation descriptor names (as reflection reads it,
   * or more leniently), or the descriptor itself when it names no class}
   *
   * <p>The name is the identifiers from the first {@code L} on, the ones separated by {@code /} (or
   * {@code .}) joined with {@code .}, then those after a type-argument list and a {@code .} joined
   * with {@code $}, up to the first {@code ;} outside type arguments (what follows is ignored) or a
   * type-argument list not followed by {@code .}. An identifier ends, as in the JDK, at any of
   * {@code ; . / [ : < >} or a white space; one ended otherwise than by {@code ;}, {@code <} or a
   * separator, or by the end of the text, makes the descriptor name no class (the JDK fails on it).
   */
  static String className(String descriptor) {
    int at = descriptor.indexOf('L');
    if (at < 0) {
      return descriptor;
    }
    StringBuilder name = new StringBuilder(descriptor.length());
    boolean packagePart = true;
    at++;
    while (true) {
      int start = at;
      while (at < descriptor.length() && !endsIdentifier(descriptor.charAt(at))) {
        at++;
      }
      name.append(descriptor, start, at);
      char end = at < descriptor.length() ? descriptor.charAt(at) : ':';
      if (end == ';') {
        return name.toString();
      } else if (end == '<') {
        at = afterTypeArguments(descriptor, at);
        if (at >= descriptor.length() || descriptor.charAt(at) != '.') {
          return name.toString();
        }
        name.append('$');
        packagePart = false;
        at++;
      } else if (end == '.') {
        name.append(packagePart ? '.' : '$');
        at++;
      } else if (end == '/' && packagePart) {
        name.append('.');
        at++;
      } else {
        return descriptor;
      }
    }
  }

  /**
   * {@return {@code bytes[from, to)} decoded as the JVM decodes a class file's UTF-8 constant}: a
   * lead byte and its continuation bytes, however many bytes the letter needed; a byte that leads
   * nothing it can complete stands for itself (never an ASCII letter).
   */
  static String decoded(byte[] bytes, int from, int to) {
    StringBuilder letters = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int lead = bytes[i] & 0xff;
      if ((lead & 0xE0) == 0xC0 && i + 1 < to && (bytes[i + 1] & 0xC0) == 0x80) {
        letters.append((char) (((lead & 0x1F) << 6) | (bytes[i + 1] & 0x3F)));
        i += 2;
      } else if ((lead & 0xF0) == 0xE0
          && i + 2 < to
          && (bytes[i + 1] & 0xC0) == 0x80
          && (bytes[i + 2] & 0xC0) == 0x80) {
        letters.append(
            (char) (((lead & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)));
        i += 3;
      } else {
        letters.append(lead < 0x80 ? (char) lead : (char) (0xFF00 | lead));
        i++;
      }
    }
    return letters.toString();
  }

  /** The characters the JDK's {@code SignatureParser} ends an identifier at. */
  private static boolean endsIdentifier(char c) {
    return c == ';'
        || c == '.'
        || c == '/'
        || c == '['
        || c == ':'
        || c == '>'
        || c == '<'
        || Character.isWhitespace(c);
  }

  /**
   * {@return the index after the {@code >} that closes the type-argument list opening at {@code
   * open}, or the text's length when none does}
   */
  private static int afterTypeArguments(String descriptor, int open) {
    int depth = 0;
    for (int at = open; at < descriptor.length(); at++) {
      char c = descriptor.charAt(at);
      if (c == '<') {
        depth++;
      } else if (c == '>' && --depth == 0) {
        return at + 1;
      }
    }
    return descriptor.length();
  }
}
