package io.toolguard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages of the agent's main code depend on each other without cycles: a package cycle means
 * the packages can only be understood, tested and moved together. Reads the compiled classes
 * (target/classes) with the ASM that Byte Buddy bundles, so every reference counts: super types,
 * fields, signatures, method bodies, constants and annotations.
 */
class PackageCyclesTest {

  private static final String ROOT = "io/toolguard/";

  private static List<Cycle> cycles;

  @BeforeAll
  static void readMainClasses() {
    cycles = cycles(dependencies(mainClasses()));
  }

  @Test
  void packagesHaveNoCycles() {
    List<String> problems = new ArrayList<>();
    for (Cycle cycle : cycles) {
      problems.add(cycle.describe());
    }
    if (!problems.isEmpty()) {
      fail("package cycles in the agent's main code:\n\n" + String.join("\n", problems));
    }
  }

  @Test
  void namesEachStepOfACycleWithAClassEdge() {
    Dependencies graph =
        new Dependencies(
            Map.of(
                "a", Map.of("b", "a.A -> b.B", "c", "a.A2 -> c.C"),
                "b", Map.of("c", "b.B -> c.C"),
                "c", Map.of("a", "c.C -> a.A"),
                "d", Map.of("a", "d.D -> a.A")));

    List<Cycle> found = cycles(graph);

    assertThat(found).extracting(Cycle::packages).containsExactly(Set.of("a", "b", "c"));
    assertThat(found.get(0).describe())
        .isEqualTo(
            "cycle between [a, b, c]:\n"
                + "  a -> c  (a.A2 -> c.C)\n"
                + "  c -> a  (c.C -> a.A)\n"
                + "  also a -> b  (a.A -> b.B)\n"
                + "  also b -> c  (b.B -> c.C)\n");
  }

  /** For each package edge (from, to): the first class edge behind it, "a.B -> c.D". */
  record Dependencies(Map<String, Map<String, String>> edges) {}

  /** A strongly connected component of more than one package, with the graph it lies in. */
  record Cycle(Set<String> packages, Dependencies dependencies) {

    /** One cycle through the component, every step with a class edge behind it, then the rest. */
    String describe() {
      StringBuilder text = new StringBuilder("cycle between " + packages + ":\n");
      List<String> path = shortestCycle(packages.iterator().next());
      Set<String> shown = new TreeSet<>();
      for (int i = 0; i + 1 < path.size(); i++) {
        text.append(step("  ", path.get(i), path.get(i + 1)));
        shown.add(path.get(i) + " " + path.get(i + 1));
      }
      for (String from : packages) {
        for (String to : dependencies.edges().getOrDefault(from, Map.of()).keySet()) {
          if (packages.contains(to) && !shown.contains(from + " " + to)) {
            text.append(step("  also ", from, to));
          }
        }
      }
      return text.toString();
    }

    private String step(String prefix, String from, String to) {
      return prefix + from + " -> " + to + "  (" + dependencies.edges().get(from).get(to) + ")\n";
    }

    /** Breadth first, inside the component, from {@code start} back to it. */
    private List<String> shortestCycle(String start) {
      Map<String, String> previous = new HashMap<>();
      Deque<String> queue = new ArrayDeque<>(List.of(start));
      while (!queue.isEmpty()) {
        String from = queue.removeFirst();
        for (String to : dependencies.edges().getOrDefault(from, Map.of()).keySet()) {
          if (!packages.contains(to)) {
            continue;
          }
          if (to.equals(start)) {
            Deque<String> path = new ArrayDeque<>(List.of(start));
            for (String at = from; !at.equals(start); at = previous.get(at)) {
              path.addFirst(at);
            }
            path.addFirst(start);
            return List.copyOf(path);
          }
          if (!previous.containsKey(to)) {
            previous.put(to, from);
            queue.addLast(to);
          }
        }
      }
      throw new IllegalStateException(start + " is on no cycle in " + packages);
    }
  }

  private static Path mainClasses() {
    try {
      Path classes =
          Path.of(ToolGuardAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      assertThat(classes.resolve("io/toolguard/agent/ToolGuardAgent.class")).isRegularFile();
      return classes;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The package graph of the io.toolguard classes, each edge with one class edge behind it. */
  static Dependencies dependencies(Path classes) {
    Map<String, Map<String, String>> edges = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(file -> file.toString().endsWith(".class")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      ClassReader reader;
      try {
        reader = new ClassReader(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String from = reader.getClassName();
      if (!from.startsWith(ROOT)) {
        continue;
      }
      Set<String> referenced = new TreeSet<>();
      Remapper recorder =
          new Remapper(Opcodes.ASM9) {
            @Override
            public String map(String internalName) {
              if (internalName.startsWith(ROOT)) {
                referenced.add(internalName);
              }
              return internalName;
            }
          };
      // The writer only makes the remapper walk every part, method bodies too; what it writes is
      // dropped.
      reader.accept(new ClassRemapper(new ClassWriter(0), recorder), 0);
      for (String to : referenced) {
        if (!packageOf(to).equals(packageOf(from))) {
          edges
              .computeIfAbsent(packageOf(from), any -> new TreeMap<>())
              .putIfAbsent(packageOf(to), binaryName(from) + " -> " + binaryName(to));
        }
      }
    }
    return new Dependencies(edges);
  }

  /** Tarjan's strongly connected components with more than one package, in a stable order. */
  static List<Cycle> cycles(Dependencies dependencies) {
    Set<String> packages = new TreeSet<>(dependencies.edges().keySet());
    dependencies.edges().values().forEach(targets -> packages.addAll(targets.keySet()));
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> lowLink = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Cycle> cycles = new ArrayList<>();
    for (String start : packages) {
      if (!index.containsKey(start)) {
        connect(start, dependencies, index, lowLink, stack, onStack, cycles);
      }
    }
    return cycles;
  }

  private static void connect(
      String at,
      Dependencies dependencies,
      Map<String, Integer> index,
      Map<String, Integer> lowLink,
      Deque<String> stack,
      Set<String> onStack,
      List<Cycle> cycles) {
    index.put(at, index.size());
    lowLink.put(at, index.get(at));
    stack.push(at);
    onStack.add(at);
    for (String to : dependencies.edges().getOrDefault(at, Map.of()).keySet()) {
      if (!index.containsKey(to)) {
        connect(to, dependencies, index, lowLink, stack, onStack, cycles);
        lowLink.put(at, Math.min(lowLink.get(at), lowLink.get(to)));
      } else if (onStack.contains(to)) {
        lowLink.put(at, Math.min(lowLink.get(at), index.get(to)));
      }
    }
    if (lowLink.get(at).equals(index.get(at))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(at));
      if (component.size() > 1) {
        cycles.add(new Cycle(component, dependencies));
      }
    }
  }

  private static String packageOf(String internalName) {
    return internalName.substring(0, internalName.lastIndexOf('/')).replace('/', '.');
  }

  private static String binaryName(String internalName) {
    return internalName.replace('/', '.');
  }
}
