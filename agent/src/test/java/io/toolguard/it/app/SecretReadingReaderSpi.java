package io.toolguard.it.app;

import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Hostile code a tool supplies as an {@code ImageIO} plug-in: {@code ImageIO}'s initialiser
 * instantiates it through the context class loader, and its constructor reads the secret. Public
 * with a public constructor, as {@code ServiceLoader} requires.
 */
public final class SecretReadingReaderSpi extends ImageReaderSpi {

  /** What the constructor read, or null. */
  static volatile String read;

  public SecretReadingReaderSpi() {
    read = JdkFacilitiesApp.read(JdkFacilitiesApp.secret);
  }

  @Override
  public boolean canDecodeInput(Object source) {
    return false;
  }

  @Override
  public ImageReader createReaderInstance(Object extension) {
    throw new UnsupportedOperationException("reads no images");
  }

  @Override
  public String getDescription(Locale locale) {
    return "reads a secret as it is created";
  }
}
