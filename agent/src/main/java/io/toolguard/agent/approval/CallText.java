package io.toolguard.agent.approval;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The one place that turns a call into what people read, and into the canonical encoding its hash
 * and "approve for the session with these arguments" are computed from.
 *
 * <p>Shown text is escaped so that it cannot act on a terminal or mislead a reader: a backslash is
 * doubled; ESC, line feed, carriage return, tab and backspace become {@code \e}, {@code \n}, {@code
 * \r}, {@code \t}, {@code \b}; every other control, format (bidirectional overrides and isolates,
 * zero-width characters, tags), private-use, unassigned, separator or otherwise invisible code
 * point, spaces other than U+0020, variation selectors and lone surrogates become <code>
 * &#92;u{202E}</code>. Everything escaped starts with a backslash and a literal one is doubled, so
 * the text reads back unambiguously.
 *
 * <p>A value longer than {@value #LONG} characters is shown as its first {@value #HEAD} and last
 * {@value #TAIL} characters around "…", followed by its whole length: {@code body="aaaa…zzzz"
 * (12,345 chars)}; the whole escaped text is available on request.
 */
public final class CallText {

  static final int LONG = 300;
  static final int HEAD = 200;
  static final int TAIL = 80;

  /** The first field of a call's canonical encoding, naming its version. */
  static final String VERSION = "toolguard-call-1";

  private CallText() {}

  /** {@return the display text of a request} */
  static RequestText shown(
      String tool, String method, CallArguments arguments, String thread, String rule) {
    boolean shortened = false;
    for (CallArguments.Argument argument : arguments.list()) {
      shortened |= argument.text().length() > LONG;
    }
    return new RequestText(
        visible(tool),
        visible(method),
        arguments(arguments, false),
        shortened,
        visible(thread),
        visible(rule),
        hash(tool, method, arguments));
  }

  /** {@return the arguments as shown: whole, or with long values as head…tail} */
  public static String arguments(CallArguments arguments, boolean whole) {
    StringBuilder shown = new StringBuilder();
    for (CallArguments.Argument argument : arguments.list()) {
      if (!shown.isEmpty()) {
        shown.append(", ");
      }
      if (argument.kind() != CallArguments.Kind.DESCRIBED) {
        shown.append(visible(argument.name())).append('=');
      }
      String text = argument.text();
      boolean cut = !whole && text.length() > LONG;
      String value = cut ? headAndTail(text) : visible(text);
      shown.append(argument.kind() == CallArguments.Kind.TEXT ? '"' + value + '"' : value);
      if (cut) {
        shown.append(String.format(Locale.ROOT, " (%,d chars)", text.length()));
      }
    }
    return shown.toString();
  }

  private static String headAndTail(String text) {
    int headEnd = Character.isHighSurrogate(text.charAt(HEAD - 1)) ? HEAD - 1 : HEAD;
    int tailStart = text.length() - TAIL;
    if (Character.isLowSurrogate(text.charAt(tailStart))) {
      tailStart++;
    }
    return visible(text.substring(0, headEnd)) + "…" + visible(text.substring(tailStart));
  }

  /** {@return {@code text} with every character that could act or hide escaped} */
  public static String visible(CharSequence text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int codePoint = c;
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        codePoint = Character.toCodePoint(c, text.charAt(i + 1));
      }
      append(out, codePoint);
      i += Character.charCount(codePoint);
    }
    return out.toString();
  }

  private static void append(StringBuilder out, int codePoint) {
    switch (codePoint) {
      case '\\' -> out.append("\\\\");
      case 0x1B -> out.append("\\e");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case '\b' -> out.append("\\b");
      default -> {
        if (hidden(codePoint)) {
          out.append("\\u{").append(String.format(Locale.ROOT, "%04X", codePoint)).append('}');
        } else {
          out.appendCodePoint(codePoint);
        }
      }
    }
  }

  /**
   * Whether a code point acts on a terminal, changes the order or look of what follows, or shows as
   * nothing (a lone surrogate reaches here as itself).
   */
  static boolean hidden(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE -> {
        return true;
      }
      case Character.SPACE_SEPARATOR -> {
        return codePoint != ' ';
      }
      default -> {
        // judged below
      }
    }
    return (codePoint >= 0xFE00 && codePoint <= 0xFE0F) // variation selectors
        || (codePoint >= 0xE0100 && codePoint <= 0xE01EF) // variation selectors supplement
        || (codePoint >= 0x180B && codePoint <= 0x180F) // Mongolian variation selectors
        || codePoint == 0x034F // combining grapheme joiner
        || codePoint == 0x115F // Hangul fillers, blank letters
        || codePoint == 0x1160
        || codePoint == 0x3164
        || codePoint == 0xFFA0
        || codePoint == 0x17B4 // Khmer inherent vowels, invisible
        || codePoint == 0x17B5
        || codePoint == 0x2800; // Braille pattern blank
  }

  /**
   * {@return the canonical encoding of the arguments}: the number of arguments, then for each its
   * name, kind ({@code TEXT}, {@code VALUE}, {@code OBJECT} or {@code DESCRIBED}), class name and
   * whole text, each field written as its length in UTF-16 code units, a colon and the field
   * itself. Length prefixes make it injective: no two different argument lists encode alike.
   */
  static String canonical(CallArguments arguments) {
    StringBuilder encoded = new StringBuilder();
    field(encoded, Integer.toString(arguments.list().size()));
    for (CallArguments.Argument argument : arguments.list()) {
      field(encoded, argument.name());
      field(encoded, argument.kind().name());
      field(encoded, argument.type() == null ? "" : argument.type());
      field(encoded, argument.text());
    }
    return encoded.toString();
  }

  /** {@return the canonical encoding of a call: version, tool, method, then its arguments} */
  static String canonical(String tool, String method, CallArguments arguments) {
    StringBuilder encoded = new StringBuilder();
    field(encoded, VERSION);
    field(encoded, tool);
    field(encoded, method);
    return encoded.append(canonical(arguments)).toString();
  }

  /**
   * {@return the call's hash: the first 16 hex digits of the SHA-256 of its canonical encoding,
   * each UTF-16 code unit as two bytes, high byte first} Code units, not an encoder's output: a
   * lone surrogate is hashed as itself, where an encoder would replace it.
   */
  static String hash(String tool, String method, CallArguments arguments) {
    String canonical = canonical(tool, method, arguments);
    ByteBuffer units = ByteBuffer.allocate(canonical.length() * 2);
    units.asCharBuffer().put(canonical);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(units.array());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException missing) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", missing);
    }
  }

  private static void field(StringBuilder encoded, String value) {
    encoded.append(value.length()).append(':').append(value);
  }
}
