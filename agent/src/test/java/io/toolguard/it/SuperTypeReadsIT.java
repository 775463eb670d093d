package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.InheritedToolApp;
import io.toolguard.it.app.bootpath.LocalVault;
import io.toolguard.it.app.bootpath.Vault;
import io.toolguard.it.app.bootpath.VaultApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subclass loads before its super class, so the tool prefilter reads the super class's class file
 * ahead, where the application class loader will define it from: the boot class path first, then
 * the class path. A subclass overriding a tool of a super class it has not loaded yet is a tool,
 * wherever that super class comes from; and a decoy copy of the super class without tools further
 * down the search order is not taken for it.
 */
class SuperTypeReadsIT {

  private static final String POLICY =
      """
      version: 1
      sandbox: .
      tools:
        peek_vault:
          decision: allow
          risk: LOW
        burn_vault:
          decision: deny
      """;

  @TempDir Path dir;

  @BeforeEach
  void policy() throws IOException {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
  }

  @Test
  void anOverrideOfAToolOfASuperClassOnTheClassPathIsThatTool() throws Exception {
    String classPath = ChildJvm.classPath(ChildJvm.testClasses(), ChildJvm.apiJar());

    assertTheOverrideHarmsAloneAndIsDeniedGuarded(classPath, "application");
  }

  @Test
  void aSuperClassOnTheBootClassPathIsReadThereNotFromADecoyOnTheClassPath() throws Exception {
    // The JVM defines Vault from the boot class path; a copy without annotations comes first on
    // the class path, where LocalVault (which refers to nothing that marks it a tool) is found.
    Path boot = copy(Vault.class, dir.resolve("boot"), false);
    Path decoy = copy(Vault.class, dir.resolve("decoy"), true);
    String classPath = ChildJvm.classPath(decoy, ChildJvm.testClasses(), ChildJvm.apiJar());
    assertThat(Files.readAllBytes(classFile(decoy, Vault.class)))
        .isNotEqualTo(Files.readAllBytes(classFile(ChildJvm.testClasses(), Vault.class)));
    assertThat(classFile(ChildJvm.testClasses(), LocalVault.class)).exists();

    assertTheOverrideHarmsAloneAndIsDeniedGuarded(classPath, "boot", "-Xbootclasspath/a:" + boot);
  }

  @Test
  void aToolOfALibrarysInterfaceInAPackageNamedLikeTheJdksIsFound() throws Exception {
    // com.sun.toolguard.probe.Burner is the class path's, not the JDK's: its name does not make it
    // one that declares no tools.
    Files.writeString(dir.resolve("burn.yaml"), InheritedBurns.POLICY);
    String classPath = ChildJvm.classPath(ChildJvm.testClasses(), ChildJvm.apiJar());
    String app = InheritedToolApp.class.getName();

    InheritedBurns.assertBurned(ChildJvm.in(dir).main(classPath, app, "FromJdkNamedPackage"), dir);
    InheritedBurns.assertDenied(
        ChildJvm.in(dir)
            .agent("policy=burn.yaml,audit=audit.jsonl")
            .main(classPath, app, "FromJdkNamedPackage"),
        dir);
  }

  /**
   * Runs {@code VaultApp} without the agent (the override of the denied tool does its harm) and
   * with it (the override is that tool, and denied), its {@code Vault} defined by {@code
   * definedBy}.
   */
  private void assertTheOverrideHarmsAloneAndIsDeniedGuarded(
      String classPath, String definedBy, String... jvmArgs) throws Exception {
    ChildJvm.Result plain =
        withArgs(ChildJvm.in(dir), jvmArgs).main(classPath, VaultApp.class.getName(), "markers");
    assertThat(plain.stdout().lines())
        .as(plain.toString())
        .containsExactly(
            "vault defined by " + definedBy,
            "peek_vault: ran: peeked by the override",
            "burn_vault: ran: burnt by the override");
    assertThat(dir.resolve("markers/burnt")).hasContent("burnt by the override");
    Files.delete(dir.resolve("markers/burnt"));

    ChildJvm.Result guarded =
        withArgs(ChildJvm.in(dir), jvmArgs)
            .agent("policy=policy.yaml")
            .main(classPath, VaultApp.class.getName(), "markers");
    assertThat(guarded.stdout().lines())
        .as(guarded.toString())
        .containsExactly(
            "vault defined by " + definedBy,
            "peek_vault: ran: peeked by the override",
            "burn_vault: denied: Tool 'burn_vault' was denied by toolguard: denied by policy rule"
                + " 'burn_vault' [rule policy.yaml:7]");
    assertThat(dir.resolve("markers/burnt")).doesNotExist();
  }

  private static ChildJvm withArgs(ChildJvm child, String... jvmArgs) {
    for (String arg : jvmArgs) {
      child = child.jvmArg(arg);
    }
    return child;
  }

  /** Copies a class file under {@code root}, its method annotations taken out if asked. */
  private static Path copy(Class<?> type, Path root, boolean withoutAnnotations)
      throws IOException {
    byte[] classFile = Files.readAllBytes(classFile(ChildJvm.testClasses(), type));
    if (withoutAnnotations) {
      ClassWriter writer = new ClassWriter(0);
      new ClassReader(classFile)
          .accept(
              new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(
                    int access, String name, String descriptor, String signature, String[] ex) {
                  return new MethodVisitor(
                      Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, ex)) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String type, boolean visible) {
                      return null;
                    }
                  };
                }
              },
              0);
      classFile = writer.toByteArray();
    }
    Path target = classFile(root, type);
    Files.createDirectories(target.getParent());
    Files.write(target, classFile);
    return root;
  }

  private static Path classFile(Path root, Class<?> type) {
    return root.resolve(type.getName().replace('.', '/') + ".class");
  }
}
