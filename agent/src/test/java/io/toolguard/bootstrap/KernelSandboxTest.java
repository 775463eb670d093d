package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The kernel probe's inputs, as the JVM started with them. */
class KernelSandboxTest {

  private static final String ABI = "jdk.internal.foreign.CABI";

  @Test
  void theForeignAbiPropertySetAfterTheStartFailsTheProbe() {
    KernelSandbox.readSwitches();
    // The JDK's own choice is made first, from the real value, so that nothing else in this JVM
    // meets the value set below.
    KernelSandbox.abi();
    String started = System.getProperty(ABI);
    assertThatCode(KernelSandbox::requireForeignAbiAsStarted).doesNotThrowAnyException();
    try {
      System.setProperty(ABI, "UNSUPPORTED");
      assertThatThrownBy(KernelSandbox::requireForeignAbiAsStarted)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(ABI + " was set to UNSUPPORTED after the JVM started (it was null)")
          .hasMessageContaining("leave it as the command line sets it");
      System.clearProperty(ABI);
      assertThatCode(KernelSandbox::requireForeignAbiAsStarted).doesNotThrowAnyException();
    } finally {
      if (started == null) {
        System.clearProperty(ABI);
      } else {
        System.setProperty(ABI, started);
      }
    }
  }
}
