package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    "?.txt,         a.txt,             true",
    "re*.md,        report.md,         true",
    "re*.md,        are.md,            false",
    "*/**,          a/b,               true",
    "?/**,          a/b,               true",
    "d*/**,         data/x,            true",
    "d?ta/**,       data/x,            true",
  })
  void matchesPathsRelativeToTheSandboxRoot(String glob, String path, boolean expected) {
    assertThat(PathGlob.of(glob).matches(path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
    "/srv/ref/**,    /srv/ref,          true",
    "/srv/ref/**,    /srv/ref/a/b.txt,  true",
    "/srv/ref/**,    /srv/reference/a,  false",
    "/srv/ref/**,    /srv,              false",
    "/**,            /,                 true",
    "/**,            /etc/passwd,       true",
    "/srv/*.txt,     /srv/a.txt,        true",
    "/srv/*.txt,     /srv/x/a.txt,      false",
  })
  void absoluteGlobsMatchAbsolutePaths(String glob, String path, boolean expected) {
    PathGlob absolute = PathGlob.of(glob);

    assertThat(absolute.isAbsolute()).isTrue();
    assertThat(absolute.matches(path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{1} leads to {0}: {2}")
  @CsvSource({
    "data/reports/*.md,  '',            true",
    "data/reports/*.md,  data,          true",
    "data/reports/*.md,  data/reports,  true",
    "data/reports/*.md,  database,      false",
    "data/reports/*.md,  data/other,    false",
    "data/reports/*.md,  data/reports/x/y, false",
    "**,                 '',            true",
    "/srv/ref/**,        /,             true",
    "/srv/ref/**,        /srv,          true",
    "/srv/ref/**,        /etc,          false",
  })
  void knowsTheFoldersOnTheWayToWhatItCovers(String glob, String path, boolean expected) {
    assertThat(PathGlob.of(glob).leadsTo(path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"C:/x", "z:", "c:data/**", "~/x", "~"})
  void globsOfAnotherSystemOrAHomeFolderAreRefused(String glob) {
    assertThatThrownBy(() -> PathGlob.of(glob))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be relative to the sandbox root");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1:/x", "ab:c/**", "data/C:", ":x", "Ä:/x"})
  void aColonElsewhereIsPartOfAName(String glob) {
    assertThat(PathGlob.of(glob)).isNotNull();
  }
}
