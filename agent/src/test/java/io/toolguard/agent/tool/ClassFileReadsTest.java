package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassFileReadsTest {

  private static final byte[] BYTES = new byte[20_000];

  static {
    new Random(16).nextBytes(BYTES);
  }

  @Test
  void aStreamThatSaysItsSizeIsReadWhole() throws IOException {
    assertThat(ClassFileReads.whole(new ByteArrayInputStream(BYTES))).isEqualTo(BYTES);
  }

  @Test
  void aStreamThatSaysNothingIsReadWhole() throws IOException {
    assertThat(ClassFileReads.whole(saying(0))).isEqualTo(BYTES);
  }

  @Test
  void aStreamThatSaysLessThanItHasIsReadToItsEnd() throws IOException {
    assertThat(ClassFileReads.whole(saying(1))).isEqualTo(BYTES);
    assertThat(ClassFileReads.whole(saying(BYTES.length - 1))).isEqualTo(BYTES);
  }

  @Test
  void aStreamThatSaysMoreThanItHasGivesWhatItHas() throws IOException {
    assertThat(ClassFileReads.whole(saying(BYTES.length + 1))).isEqualTo(BYTES);
    assertThat(ClassFileReads.whole(saying(Integer.MAX_VALUE))).isEqualTo(BYTES);
  }

  @Test
  void anEmptyStreamIsEmpty() throws IOException {
    assertThat(ClassFileReads.whole(new ByteArrayInputStream(new byte[0]))).isEmpty();
  }

  /** A stream of {@link #BYTES} whose {@code available} answers {@code size}, right or wrong. */
  private static InputStream saying(int size) {
    return new FilterInputStream(new ByteArrayInputStream(BYTES)) {
      @Override
      public int available() {
        return size;
      }
    };
  }
}
