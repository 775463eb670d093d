package io.toolguard.it.app;

/**
 * Loaded for the first time inside a tool, from the test classes folder, which is outside the
 * sandbox.
 */
public final class LateLoaded {

  public LateLoaded() {}
}
