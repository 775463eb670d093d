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
   * So the last identifier of a name is always followed by {@code ;} or {@code <}, which is what
   * {@link #simpleName} and the prefilter rely on.
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
   * {@return the last identifier of a class name, after its last {@code .} or {@code $}}: every
   * descriptor {@link #className} reads as this name contains it followed by {@code ;} or {@code <}
   */
  static String simpleName(String className) {
    return className.substring(
        Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
  }

  /**
   * {@return whether {@code bytes[from, to)} contains {@code simpleName} followed by {@code ;} or
   * {@code <}}, as every descriptor naming a class of that simple name does (see {@link
   * #className}). Bytes are compared, not decoded letters: the JVM refuses a class file whose UTF-8
   * constants spell a letter of {@code Tool} in more bytes than one (overlong), so no class it
   * loads names one otherwise.
   */
  static boolean mayName(byte[] bytes, int from, int to, byte[] simpleName) {
    int length = simpleName.length;
    for (int i = from + length; i < to; i++) {
      byte next = bytes[i];
      if ((next == ';' || next == '<') && endsAt(bytes, i, simpleName)) {
        return true;
      }
    }
    return false;
  }

  private static boolean endsAt(byte[] bytes, int end, byte[] simpleName) {
    for (int j = 1; j <= simpleName.length; j++) {
      if (bytes[end - j] != simpleName[simpleName.length - j]) {
        return false;
      }
    }
    return true;
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
