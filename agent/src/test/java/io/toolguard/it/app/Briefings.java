package io.toolguard.it.app;

/**
 * Tools marked only through {@link Briefing} and {@link Digest}: no name in this class file, nor in
 * {@link Briefer}'s, is a tool annotation's.
 */
public final class Briefings implements Briefer {

  @Briefing("brief")
  public String brief() {
    return "briefed";
  }

  @Digest
  public String digest() {
    return "digested";
  }

  /** A tool as {@link Briefer} declares it, without an annotation here. */
  @Override
  public String recap() {
    return "recapped";
  }
}
