package io.toolguard.agent.options;

/** The agent's version, from the jar manifest. */
public final class Version {

  private Version() {}

  /** {@return the version, or {@code dev} when running from classes rather than the jar} */
  public static String current() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
