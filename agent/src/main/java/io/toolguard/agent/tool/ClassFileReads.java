package io.toolguard.agent.tool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a class file whole into an array of its size when the stream says it. The prefilter reads
 * the class files of super types not loaded yet (about a hundred in the LangChain4j example), and
 * {@link InputStream#readAllBytes} reads each into a buffer of 8 KiB (16 KiB on JDK 21+), growing
 * in more buffers, then copies them into the result; a jar entry's and a file's stream say how many
 * bytes are left ({@code available}), so one array of that size is read into instead. A stream that
 * says nothing, or less or more than it has, is read to its end all the same: the bytes are always
 * the whole stream.
 */
final class ClassFileReads {

  /** Beyond this a stream's {@code available} is not taken as the size to allocate. */
  private static final int LARGEST_SIZED = 1 << 24;

  private ClassFileReads() {}

  /** {@return every byte of {@code in}, to its end} */
  static byte[] whole(InputStream in) throws IOException {
    int expected = in.available();
    if (expected <= 0 || expected > LARGEST_SIZED) {
      return in.readAllBytes();
    }
    byte[] bytes = new byte[expected];
    int read = in.readNBytes(bytes, 0, expected);
    if (read < expected) {
      return Arrays.copyOf(bytes, read);
    }
    int next = in.read();
    if (next < 0) {
      return bytes;
    }
    byte[] rest = in.readAllBytes();
    byte[] all = Arrays.copyOf(bytes, expected + 1 + rest.length);
    all[expected] = (byte) next;
    System.arraycopy(rest, 0, all, expected + 1, rest.length);
    return all;
  }
}
