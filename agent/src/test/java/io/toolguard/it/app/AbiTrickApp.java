package io.toolguard.it.app;

import java.util.Properties;

/**
 * Tries harder than {@link AbiSwitchApp} to switch the kernel sandbox off from the application's
 * {@code main} (JDK 22+): the JDK fixes its foreign function API's calling convention from the
 * property {@code jdk.internal.foreign.CABI} when its {@code CABI} class is set up, so this
 * installs system properties that answer {@code UNSUPPORTED} to that class alone, then sets the
 * property, sets the class up itself and clears the property again; then calls {@link
 * AbiSwitchApp}'s tool {@code run}, which starts {@code cat} on the file named by its argument.
 * Prints {@code run: exit N: OUTPUT}, or {@code run: denied: …}.
 */
public final class AbiTrickApp {

  private static final String ABI = "jdk.internal.foreign.CABI";

  private AbiTrickApp() {}

  /** Answers {@code UNSUPPORTED} when the JDK's {@code CABI} class asks, the truth otherwise. */
  private static final class TwoFaced extends Properties {
    @Override
    public String getProperty(String key) {
      if (ABI.equals(key)
          && StackWalker.getInstance()
              .walk(frames -> frames.anyMatch(f -> f.getClassName().equals(ABI)))) {
        return "UNSUPPORTED";
      }
      return super.getProperty(key);
    }
  }

  public static void main(String[] args) throws Exception {
    TwoFaced properties = new TwoFaced();
    properties.putAll(System.getProperties());
    System.setProperties(properties);
    System.setProperty(ABI, "UNSUPPORTED");
    try {
      Class.forName(ABI, true, null);
    } catch (ClassNotFoundException | LinkageError older) {
      // no such class on this JDK
    }
    System.clearProperty(ABI);
    AbiSwitchApp.callRun(args);
  }
}
