package io.toolguard.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toolguard.agent.file.ProtectedFiles;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.policy.DeclaredRisk;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.read.PolicyParser;
import io.toolguard.bootstrap.KernelSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which levels of a tool's context confine the processes it starts, and when none can. */
class ExecSandboxesTest {

  @TempDir Path dir;
  private Policy policy;
  private ExecSandboxes sandboxes;

  @BeforeEach
  void policy() throws Exception {
    Files.createDirectories(dir.resolve("box/data"));
    policy =
        PolicyParser.parse(
            "policy.yaml",
            dir,
            """
            version: 1
            sandbox: box
            tools:
              outer:
                decision: allow
                exec: [cat]
                files: {read: ["data/**"]}
              inner:
                decision: allow
                exec: [cat]
              quiet:
                decision: allow
                exec_sandbox: "off"
                exec: [cat]
            """);
    sandboxes = new ExecSandboxes(auditLogOnly());
  }

  /** {@return toolguard's own files when the audit log is the only one} */
  private ProtectedFiles auditLogOnly() {
    return ProtectedFiles.of(
        List.of(),
        dir.resolve("audit.jsonl"),
        Optional.empty(),
        false,
        Optional.empty(),
        Optional.empty());
  }

  private ToolContext context(String tool, Mode mode, ToolContext outer) {
    return new ToolContext(
        "1",
        tool,
        new ActivePolicy.Snapshot(policy, mode),
        policy.decide(tool, DeclaredRisk.of(Risk.LOW)),
        outer);
  }

  /** Runs {@code work} with stderr captured, and returns what it printed there. */
  private static String stderrOf(ThrowingRunnable work) throws Exception {
    java.io.PrintStream before = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setErr(before);
    }
    return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private ExecSandboxes asking(Runnable ask) {
    return new ExecSandboxes(auditLogOnly(), ask, System.err);
  }

  @Test
  void aFailingKernelProbeRefusesEveryToolCallAndSaysSoOnce() throws Exception {
    String[] why = new String[2];
    String printed =
        stderrOf(
            () -> {
              ExecSandboxes failing =
                  asking(
                      () -> {
                        throw new IllegalStateException("no openat2 today");
                      });
              failing.announce(policy);
              why[0] = failing.answers().why();
              why[1] = failing.answers().why();
            });

    String refusal =
        "toolguard could not find out what the kernel offers (java.lang.IllegalStateException: no"
            + " openat2 today), so every tool call is denied; restart the JVM";
    assertThat(why).containsExactly(refusal, refusal);
    assertThat(printed).isEqualTo("toolguard: ERROR: " + refusal + System.lineSeparator());
  }

  @Test
  void attachedAFailingKernelProbeRefusesTheStart() {
    ExecSandboxes failing =
        asking(
            () -> {
              throw new IllegalStateException("no openat2 today");
            });

    assertThatThrownBy(() -> failing.askKernel(true, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "toolguard could not find out what the kernel offers"
                + " (java.lang.IllegalStateException: no openat2 today)");
    assertThat(failing.answers().why()).startsWith("toolguard could not find out");
  }

  @Test
  void theFirstToolCallWaitsForTheProbeAndFindsTheStartUpLinePrinted() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream before = System.err;
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      ExecSandboxes slow = asking(waitingFor(release));
      slow.announce(policy);
      java.util.concurrent.CompletableFuture<String> call =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                String why = slow.answers().why();
                return why + "|" + captured.toString(java.nio.charset.StandardCharsets.UTF_8);
              });
      Thread.sleep(100);
      assertThat(call).isNotDone();
      assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();

      release.countDown();
      assertThat(call.get()).startsWith("null|toolguard: exec sandbox: ");
    } finally {
      System.setErr(before);
    }
  }

  @Test
  void theKernelIsAskedOnlyOnceAClassWithToolsLoads() throws Exception {
    java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
    String printed =
        stderrOf(
            () -> {
              ExecSandboxes lazy = asking(asked::countDown);
              lazy.announce(policy);
              // An application that loads no class with tools: nothing is asked.
              assertThat(asked.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();

              lazy.answers().toolsAhead();
              assertThat(asked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
              assertThat(lazy.answers().why()).isNull();
            });

    assertThat(printed).startsWith("toolguard: exec sandbox: ");
  }

  @Test
  void aToolCallAloneHasTheKernelAsked() throws Exception {
    // No class with tools was seen woven (a tool class defined before the weaving, say): the call
    // itself starts the asking, and waits for it.
    String[] why = {"not asked"};
    stderrOf(
        () -> {
          ExecSandboxes lazy = asking(() -> {});
          lazy.announce(policy);
          why[0] =
              java.util.concurrent.CompletableFuture.supplyAsync(() -> lazy.answers().why())
                  .get(10, java.util.concurrent.TimeUnit.SECONDS);
        });

    assertThat(why[0]).isNull();
  }

  @Test
  void withTheSandboxOffEverywhereTheLineIsPrintedAtOnce() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ExecSandboxes[] slow = new ExecSandboxes[1];
    Policy off =
        PolicyParser.parse(
            "policy.yaml",
            dir,
            "version: 1\nsandbox: box\nexec_sandbox: \"off\"\ntools:\n"
                + "  outer: {decision: allow, exec: [cat]}\n");
    String printed =
        stderrOf(
            () -> {
              slow[0] = asking(waitingFor(release));
              slow[0].announce(off);
            });
    release.countDown();

    assertThat(printed)
        .startsWith("toolguard: exec sandbox: off (exec_sandbox: off); processes tools start");
    assertThat(slow[0].answers().why()).isNull();
  }

  /** A probe that answers once {@code release} is counted down. */
  private static Runnable waitingFor(java.util.concurrent.CountDownLatch release) {
    return () -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  @Test
  void aProbeThatMeetsAnErrorRefusesEveryToolCallAndHangsNone() throws Exception {
    String[] why = new String[1];
    stderrOf(
        () -> {
          ExecSandboxes exhausted =
              asking(
                  () -> {
                    throw new OutOfMemoryError("Java heap space");
                  });
          java.util.concurrent.CompletableFuture<String> call =
              java.util.concurrent.CompletableFuture.supplyAsync(() -> exhausted.answers().why());
          exhausted.announce(policy);
          why[0] = call.get(10, java.util.concurrent.TimeUnit.SECONDS);
        });

    assertThat(why[0])
        .isEqualTo(
            "toolguard's kernel probe ended without an answer, so every tool call is denied;"
                + " restart the JVM");
  }

  @Test
  void aStandardErrorTheApplicationSetsLaterIsNotWhereTheLineGoes() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    String[] why = {"unset"};
    String printed =
        stderrOf(
            () -> {
              ExecSandboxes probing = asking(waitingFor(release));
              probing.announce(policy);
              java.io.PrintStream premains = System.err;
              // The application's stream, set after premain: one whose every write blocks.
              System.setErr(
                  new java.io.PrintStream(
                      new java.io.OutputStream() {
                        @Override
                        public void write(int b) {
                          try {
                            never.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      },
                      true,
                      java.nio.charset.StandardCharsets.UTF_8));
              try {
                release.countDown();
                why[0] =
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> probing.answers().why())
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
              } finally {
                System.setErr(premains);
                never.countDown();
              }
            });

    assertThat(why[0]).isNull();
    assertThat(printed).startsWith("toolguard: exec sandbox: ");
  }

  @Test
  void aRuleThatSaysOffStartsItsProcessesUnconfined() {
    ExecSandboxes.Confinement confinement =
        sandboxes.confinement(context("quiet", Mode.ENFORCE, null), Optional.empty());

    assertThat(confinement.layers()).isEmpty();
    assertThat(confinement.refusal()).isEmpty();
    assertThat(confinement.summary()).isEqualTo("off for tool 'quiet' (rule policy.yaml:11)");
  }

  @Test
  void auditModeObservesAndDoesNotConfine() {
    ExecSandboxes.Confinement confinement =
        sandboxes.confinement(context("outer", Mode.AUDIT, null), Optional.empty());

    assertThat(confinement.layers()).isEmpty();
    assertThat(confinement.summary()).isEqualTo("none in audit mode");
  }

  @Test
  void aNestedToolsProcessesGetOneRulesetPerLevel() {
    assumeTrue(KernelSandbox.abi() > 0, "needs Landlock and JDK 22+");
    ExecSandboxes.Confinement confinement =
        sandboxes.confinement(
            context("inner", Mode.ENFORCE, context("outer", Mode.ENFORCE, null)), Optional.empty());

    assertThat(confinement.layers()).hasSize(2);
    assertThat(confinement.layers().get(0).paths())
        .extracting(KernelSandbox.PathRule::path)
        .doesNotContain(policy.sandbox().resolve("data").toString());
    assertThat(confinement.layers().get(1).paths())
        .extracting(KernelSandbox.PathRule::path)
        .contains(policy.sandbox().resolve("data").toString());
    assertThat(confinement.summary()).contains(" + ").startsWith("landlock abi ");
  }

  @Test
  void withoutTheKernelOrJdkKernelStartsUnconfinedAndRequiredRefuses() throws Exception {
    assumeTrue(KernelSandbox.abi() == 0, "where Landlock or JDK 22+ is missing");
    ExecSandboxes.Confinement kernel =
        sandboxes.confinement(context("outer", Mode.ENFORCE, null), Optional.empty());
    assertThat(kernel.layers()).isEmpty();
    assertThat(kernel.refusal()).isEmpty();
    assertThat(kernel.summary()).startsWith("none: ");

    policy =
        PolicyParser.parse(
            "policy.yaml",
            dir,
            "version: 1\nsandbox: box\nexec_sandbox: required\ntools:\n"
                + "  outer: {decision: allow, exec: [cat]}\n");
    assertThat(
            sandboxes.confinement(context("outer", Mode.ENFORCE, null), Optional.empty()).refusal())
        .hasValueSatisfying(
            why -> assertThat(why).startsWith("it must run in a kernel sandbox (exec_sandbox:"));
  }
}
