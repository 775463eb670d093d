package io.toolguard.it.app;

/** Declares a tool through {@link Briefing}; {@link Briefings} implements it without a mark. */
public interface Briefer {

  @Briefing("recap")
  String recap();
}
