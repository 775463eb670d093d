package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.OneCheckApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each open is checked once, whichever public route a tool takes: on JDK 25 the provider's {@code
 * newByteChannel} only calls its {@code newFileChannel}, and hooking both checked (and pinned)
 * every channel twice. In audit mode each check of a file outside the grants writes one would-deny
 * line, so the lines per file count the checks; in enforce mode each route is still denied.
 */
class OneCheckPerOpenIT {

  private static final List<String> ROUTES = List.of("channel", "file-channel", "stream", "fis");

  @TempDir Path dir;

  private ChildJvm.Result run(String agentOptions) throws Exception {
    Path box = Files.createDirectories(dir.resolve("box"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    for (String route : ROUTES) {
      Files.writeString(outside.resolve(route + ".txt"), "secret of " + route);
    }
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        version: 1
        sandbox: box
        tools:
          once:
            decision: allow
            files:
              read: ["**"]
        """);
    ChildJvm child = ChildJvm.in(box);
    if (agentOptions != null) {
      child = child.agent(agentOptions);
    }
    return child.app(OneCheckApp.class, outside.toString());
  }

  @Test
  void everyRouteOfOpeningIsCheckedExactlyOnce() throws Exception {
    ChildJvm.Result without = run(null);
    assertThat(without.stdout())
        .as(without.toString())
        .contains(ROUTES.stream().map(route -> route + " read secret of " + route).toList());

    ChildJvm.Result audited = run("policy=../policy.yaml,audit=../audit.jsonl,mode=audit");
    assertThat(audited.stdout())
        .as(audited.toString())
        .contains(ROUTES.stream().map(route -> route + " read secret of " + route).toList());
    List<Map<String, String>> audit = AuditLines.read(dir.resolve("audit.jsonl"));
    Path outside = dir.resolve("outside").toRealPath();
    for (String route : ROUTES) {
      assertThat(audit)
          .as(route + " in " + audit)
          .filteredOn(
              line ->
                  "file".equals(line.get("event"))
                      && outside.resolve(route + ".txt").toString().equals(line.get("resolved")))
          .singleElement()
          .satisfies(line -> assertThat(line.get("decision")).isEqualTo("would-deny"));
    }

    Files.delete(dir.resolve("audit.jsonl"));
    ChildJvm.Result enforced = run("policy=../policy.yaml,audit=../audit.jsonl");
    assertThat(enforced.stdout())
        .as(enforced.toString())
        .contains(ROUTES.stream().map(route -> route + " denied").toList())
        .doesNotContain("secret of");
  }
}
