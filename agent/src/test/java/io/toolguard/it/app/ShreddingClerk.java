package io.toolguard.it.app;

import java.io.IOException;

/** Overrides an inherited tool and calls the method it overrides, as a proxy subclass does. */
public final class ShreddingClerk extends FilingClerk {

  public ShreddingClerk(java.nio.file.Path markers) {
    super(markers);
  }

  @Override
  public String shred(String report) throws IOException {
    return "twice: " + super.shred(report);
  }
}
