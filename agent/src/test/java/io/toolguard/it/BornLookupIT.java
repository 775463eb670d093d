package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.BornLookupApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise two: code born in a tool, in a loader the tool did not create (the application's shared
 * engine), defines a class with its own lookup ({@code Lookup.defineClass}, not hidden) into that
 * loader. No class file transformer knows that class as born, so it would run unconfined when the
 * application runs it later, outside tools; toolguard refuses the definition instead. Likewise
 * through a hidden class the born code defines first: it is born too, and its lookup is refused the
 * same. Without toolguard the class writes outside; with it the definition is denied and nothing is
 * written.
 */
class BornLookupIT {

  @TempDir Path base;

  @Test
  void bornCodeCannotDefineAnUnconfinedClassWithItsOwnLookup() throws Exception {
    Path box = Files.createDirectories(base.resolve("box"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(
        base.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          shared_script: {decision: allow}
          run_script: {decision: allow}
          shared_hidden_script: {decision: allow}
        """);

    ChildJvm.Result without = ChildJvm.in(box).app(BornLookupApp.class, outside.toString());
    assertThat(without.lines("LOOKUP "))
        .as(without.toString())
        .containsExactly(
            "LOOKUP defined-by-born-lookup harm", "LOOKUP defined-by-born-hidden-lookup harm");
    assertThat(outside.resolve("defined-by-born-lookup")).exists();
    Files.delete(outside.resolve("defined-by-born-lookup"));
    Files.delete(outside.resolve("defined-by-born-hidden-lookup"));

    ChildJvm.Result with =
        ChildJvm.in(box)
            .agent("policy=../policy.yaml")
            .app(BornLookupApp.class, outside.toString());
    assertThat(with.exitCode()).as(with.toString()).isZero();
    assertThat(with.lines("LOOKUP "))
        .as(with.toString())
        .containsExactly(
            "LOOKUP defined-by-born-lookup denied", "LOOKUP defined-by-born-hidden-lookup denied");
    try (var written = Files.list(outside)) {
      assertThat(written).isEmpty();
    }
  }
}
