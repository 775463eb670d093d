package io.toolguard.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.born.BornClasses;
import io.toolguard.agent.env.EnvHooks;
import io.toolguard.agent.exec.ExecHooks;
import io.toolguard.agent.file.FileHooks;
import io.toolguard.agent.handoff.HandOffHooks;
import io.toolguard.agent.jvm.JvmHooks;
import io.toolguard.agent.net.NetHooks;
import io.toolguard.agent.net.PoolHooks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicVerifier;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * The oracle of the splice: every hooked class of every hook table, read from this JDK's run-time
 * image, woven both ways (spliced, and rewritten whole by ASM as before) prints the same, method by
 * method, instruction by instruction, with every constant printed by what it is (so the order of
 * the constant pool does not matter); and each spliced method passes ASM's bytecode analysis.
 */
class CodeSpliceTest {

  @Test
  void everyHookedClassOfThisJdkIsSplicedAsAsmRewritesIt() throws IOException {
    int classes = 0;
    // The JDK's own file system: closing it is not supported.
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    {
      List<Path> modules;
      try (Stream<Path> list = Files.list(jrt.getPath("/modules"))) {
        modules = list.toList();
      }
      for (boolean forkHere : new boolean[] {false, true}) {
        for (Map.Entry<String, List<Hook>> hooked : hooks(forkHere).entrySet()) {
          String name = hooked.getKey();
          byte[] classFile = classFile(modules, name);
          assertThat(classFile).as(name).isNotNull();
          Set<Hook> splicedFound = Collections.newSetFromMap(new IdentityHashMap<>());
          Set<Hook> rewrittenFound = Collections.newSetFromMap(new IdentityHashMap<>());

          byte[] spliced = CodeSplice.weave(name, classFile, hooked.getValue(), splicedFound);
          byte[] rewritten =
              JdkWeaver.rewritten(name, classFile, hooked.getValue(), rewrittenFound);

          assertThat(spliced).as("%s is spliced, not left to ASM", name).isNotNull();
          assertThat(splicedFound).as(name).isEqualTo(rewrittenFound);
          assertThat(methods(spliced)).as(name).isEqualTo(methods(rewritten));
          assertThat(text(spliced)).as(name).isEqualTo(text(rewritten));
          assertAnalysed(name, spliced);
          classes++;
        }
      }
    }
    assertThat(classes).isGreaterThan(120);
  }

  private static Map<String, List<Hook>> hooks(boolean forkHere) {
    Map<String, List<Hook>> hooks = new LinkedHashMap<>();
    for (Map<String, List<Hook>> part :
        List.of(
            FileHooks.forThisJvm(),
            HandOffHooks.forThisJvm(),
            JvmHooks.forThisJvm(),
            ExecHooks.forThisJvm(forkHere),
            NetHooks.forThisJvm(),
            PoolHooks.forThisJvm(),
            EnvHooks.forThisJvm(),
            BornClasses.forThisJvm())) {
      part.forEach(
          (name, rows) ->
              hooks.merge(
                  name,
                  rows,
                  (first, second) -> {
                    List<Hook> both = new ArrayList<>(first);
                    both.addAll(second);
                    return both;
                  }));
    }
    return hooks;
  }

  private static byte[] classFile(List<Path> modules, String name) throws IOException {
    for (Path module : modules) {
      Path file = module.resolve(name + ".class");
      if (Files.exists(file)) {
        return Files.readAllBytes(file);
      }
    }
    return null;
  }

  /** {@return each method's text, by name and descriptor: a failure then names the method} */
  private static Map<String, String> methods(byte[] classFile) {
    ClassNode node = new ClassNode();
    new ClassReader(classFile).accept(node, 0);
    Map<String, String> methods = new LinkedHashMap<>();
    for (MethodNode method : node.methods) {
      ClassNode one = new ClassNode();
      one.version = node.version;
      one.name = node.name;
      one.superName = node.superName;
      one.access = node.access;
      one.methods.add(method);
      StringWriter text = new StringWriter();
      one.accept(new TraceClassVisitor(new PrintWriter(text)));
      methods.put(method.name + method.desc, text.toString());
    }
    return methods;
  }

  private static String text(byte[] classFile) {
    StringWriter text = new StringWriter();
    new ClassReader(classFile).accept(new TraceClassVisitor(new PrintWriter(text)), 0);
    return text.toString();
  }

  private static void assertAnalysed(String name, byte[] classFile) {
    ClassNode node = new ClassNode();
    new ClassReader(classFile).accept(node, 0);
    for (MethodNode method : node.methods) {
      try {
        new Analyzer<>(new BasicVerifier()).analyze(name, method);
      } catch (AnalyzerException wrong) {
        throw new AssertionError(name + "." + method.name + method.desc + ": " + wrong, wrong);
      }
    }
  }
}
