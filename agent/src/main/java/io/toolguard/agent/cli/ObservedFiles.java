package io.toolguard.agent.cli;

import io.toolguard.agent.policy.PathGlob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files one tool touched in an audit log, as the least grants that allow them: each file
 * exactly, or {@code folder/*} for a folder with three or more, relative to the sandbox root when
 * inside it and absolute otherwise. A probe (an existence or attribute check) needs a read grant
 * only where no other grant already reaches.
 */
final class ObservedFiles {

  private static final int COLLAPSE_AT = 3;
  private static final List<String> OPERATIONS = List.of("read", "write", "delete");

  /** Resolved path → how many accesses, per operation (read, write, delete, probe). */
  private final Map<String, Map<String, Integer>> seen = new TreeMap<>();

  /** Resolved paths whose access the run's policy would have denied. */
  private final Set<String> wouldDeny = new TreeSet<>();

  private final boolean includeOutside;

  ObservedFiles(boolean includeOutside) {
    this.includeOutside = includeOutside;
  }

  void add(Map<String, String> line) {
    String operation = String.valueOf(line.get("operation"));
    String path = line.get("resolved");
    if (path != null) {
      seen.computeIfAbsent(operation, op -> new TreeMap<>()).merge(path, 1, Integer::sum);
      if ("would-deny".equals(line.get("decision"))) {
        wouldDeny.add(path);
      }
    }
  }

  static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException missing) {
      return path.toAbsolutePath().normalize();
    }
  }

  void appendTo(StringBuilder yaml, Path sandbox) {
    Map<String, Map<String, String>> grants = new TreeMap<>();
    List<String> unexpressible = new ArrayList<>();
    List<String> outside = new ArrayList<>();
    for (String operation : OPERATIONS) {
      grants.put(
          operation,
          globs(
              inside(operation, seen.getOrDefault(operation, Map.of()), sandbox, outside),
              sandbox,
              unexpressible));
    }
    Map<String, String> probes =
        globs(
            inside("probe", seen.getOrDefault("probe", Map.of()), sandbox, outside),
            sandbox,
            unexpressible);
    probes.forEach(
        (glob, comment) -> {
          if (!reached(glob, grants)) {
            grants.get("read").put(glob, comment.replace("access", "lookup"));
          }
        });
    if (grants.values().stream().allMatch(Map::isEmpty)
        && unexpressible.isEmpty()
        && outside.isEmpty()) {
      return;
    }
    yaml.append("    files:\n");
    for (String operation : OPERATIONS) {
      Map<String, String> globs = grants.get(operation);
      if (!globs.isEmpty()) {
        yaml.append("      ").append(operation).append(":\n");
        globs.forEach(
            (glob, comment) ->
                yaml.append("        - \"")
                    .append(glob)
                    .append("\"  # ")
                    .append(comment)
                    .append('\n'));
      }
    }
    unexpressible.forEach(
        path ->
            yaml.append("    # not granted: ")
                .append(path)
                .append(
                    " cannot be written as a glob (it contains *, ?, [, ], {, } or a backslash)\n"));
    outside.forEach(line -> yaml.append("    # not granted: ").append(line).append('\n'));
  }

  /**
   * {@return the paths to grant: those inside the sandbox, and those outside it only with {@code
   * --include-outside}}; the others are described in {@code outside}
   */
  private Map<String, Integer> inside(
      String operation, Map<String, Integer> paths, Path sandbox, List<String> outside) {
    Map<String, Integer> kept = new TreeMap<>();
    paths.forEach(
        (path, count) -> {
          if (includeOutside || Path.of(path).startsWith(sandbox)) {
            kept.put(path, count);
          } else {
            outside.add(
                operation
                    + " "
                    + path
                    + " ("
                    + count
                    + plural(" access", count)
                    + ", "
                    + (wouldDeny.contains(path) ? "would-deny in that run, " : "")
                    + "outside the sandbox; --include-outside grants it)");
          }
        });
    return kept;
  }

  /** {@return glob → comment, collapsing folders with many files} */
  private Map<String, String> globs(
      Map<String, Integer> paths, Path sandbox, List<String> unexpressible) {
    Map<String, List<String>> byFolder = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, String> globs = new TreeMap<>();
    for (Map.Entry<String, Integer> entry : paths.entrySet()) {
      Path path = Path.of(entry.getKey());
      String glob =
          path.startsWith(sandbox) ? sandbox.relativize(path).toString() : path.toString();
      if (glob.isEmpty() || glob.chars().anyMatch(c -> "*?[]{}\\".indexOf(c) >= 0)) {
        unexpressible.add(glob.isEmpty() ? "the sandbox root itself" : entry.getKey());
        continue;
      }
      if (!path.startsWith(sandbox)) {
        // Never collapsed into a folder glob: each file outside is named, and flagged.
        int count = entry.getValue();
        globs.put(
            glob,
            count
                + plural(" access", count)
                + (wouldDeny.contains(entry.getKey())
                    ? "  # would-deny in that run: outside the sandbox"
                    : "  # outside the sandbox"));
        continue;
      }
      int slash = glob.lastIndexOf('/');
      byFolder
          .computeIfAbsent(
              slash < 0 ? "" : glob.substring(0, slash + 1), folder -> new ArrayList<>())
          .add(glob);
      counts.put(glob, entry.getValue());
    }
    byFolder.forEach(
        (folder, files) -> {
          if (files.size() >= COLLAPSE_AT) {
            int accesses = files.stream().mapToInt(counts::get).sum();
            globs.put(
                folder + "*", files.size() + " files, " + accesses + plural(" access", accesses));
          } else {
            files.forEach(
                file ->
                    globs.put(
                        file,
                        counts.get(file)
                            + plural(" access", counts.get(file))
                            + (wouldDeny.contains(sandbox.resolve(file).toString())
                                ? "  # would-deny in that run"
                                : "")));
          }
        });
    return globs;
  }

  private static boolean reached(String path, Map<String, Map<String, String>> grants) {
    for (Map<String, String> globs : grants.values()) {
      for (String glob : globs.keySet()) {
        PathGlob compiled = PathGlob.of(glob);
        if (compiled.matches(path) || compiled.leadsTo(path)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String plural(String word, int count) {
    return count == 1 ? word : word + "es";
  }
}
