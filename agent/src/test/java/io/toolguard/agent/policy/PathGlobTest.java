package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathGlobTest {

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
      "data/**,       data,              true",
      "data/**,       data/a.txt,        true",
      "data/**,       data/x/y/z.txt,    true",
      "data/**,       database/a.txt,    false",
      "data/**,       other/data/a.txt,  false",
      "**,            '',                true",
      "**,            any/thing,         true",
      "*.md,          notes.md,          true",
      "*.md,          docs/notes.md,     false",
      "**/*.md,       notes.md,          true",
      "**/*.md,       docs/a/notes.md,   true",
      "**/*.md,       docs/a/notes.txt,  false",
      "data/*/x.txt,  data/a/x.txt,      true",
      "data/*/x.txt,  data/a/b/x.txt,    false",
      "data/?.txt,    data/a.txt,        true",
      "data/?.txt,    data/ab.txt,       false",
      "a.b,           aXb,               false",
      "out/(x)+,      out/(x)+,          true",
      "out/(x)+,      out/xx,            false",
  })
  void matchesPathsRelativeToTheSandboxRoot(String glob, String path, boolean expected) {
    assertThat(PathGlob.of(glob).matches(path)).isEqualTo(expected);
  }
}
