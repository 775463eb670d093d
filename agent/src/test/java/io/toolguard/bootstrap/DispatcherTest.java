package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tool entry and exit, and the check entries, in a class-path copy of the bridge with recording
 * hooks.
 */
class DispatcherTest {

  private final RecordingHooks hooks = new RecordingHooks();
  private final ProcessBuilder process = new ProcessBuilder("true");

  @BeforeEach
  void installHooks() {
    Dispatcher.installForTests(hooks);
  }

  @AfterEach
  void reset() {
    Dispatcher.installForTests(null);
    ToolFrames.CURRENT.remove();
  }

  /** Every check entry, called as woven code calls it; {@return what it answers, or null} */
  private Map<String, Callable<Object>> everyCheck() {
    Map<String, Callable<Object>> checks = new LinkedHashMap<>();
    checks.put(
        "checkFile", () -> Dispatcher.checkFile("/a", Dispatcher.READ | Dispatcher.RESOLVED, null));
    checks.put(
        "checkExec",
        () -> {
          Dispatcher.checkExec(null, new String[] {"true"}, null, null);
          return null;
        });
    checks.put(
        "checkConnect",
        () -> {
          Dispatcher.checkConnect("example.com", 443);
          return null;
        });
    checks.put(
        "checkListen",
        () -> {
          Dispatcher.checkListen(null);
          return null;
        });
    checks.put("filterVariable", () -> Dispatcher.filterVariable("HOME"));
    checks.put("filterProperty", () -> Dispatcher.filterProperty("user.home"));
    checks.put("filterVariables", () -> Dispatcher.filterVariables(Map.of("HOME", "/home")));
    checks.put("filterProperties", () -> Dispatcher.filterProperties(new Properties()));
    checks.put("filterProcessEnvironment", () -> Dispatcher.filterProcessEnvironment(Map.of()));
    checks.put(
        "jvmAction",
        () -> {
          Dispatcher.jvmAction("exit the JVM");
          return null;
        });
    return checks;
  }

  @Test
  void aToolsResultReachesTheHooksUncheckedAndTheFrameIsLeftWhateverTheyDecide() {
    Object frame = Dispatcher.enterTool(7, new Object[] {"argument"});
    hooks.during = () -> Dispatcher.checkFile("/audit.jsonl", Dispatcher.WRITE, null);
    Dispatcher.exitTool(frame, "result");
    assertThat(ToolFrames.CURRENT.get()).isNull();

    Object withheld = Dispatcher.enterTool(7, new Object[] {"argument"});
    hooks.failure = new SecurityException("withheld");
    assertThatThrownBy(() -> Dispatcher.exitTool(withheld, "secret"))
        .isInstanceOf(SecurityException.class)
        .hasMessage("withheld");
    assertThat(ToolFrames.CURRENT.get()).isNull();

    hooks.failure = null;
    Object failing = Dispatcher.enterTool(7, new Object[] {"argument"});
    hooks.failure = new IllegalStateException("broken");
    assertThatThrownBy(() -> Dispatcher.exitTool(failing, "result"))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining(
            "toolguard could not check what this tool returned, so it was withheld");
    assertThat(ToolFrames.CURRENT.get()).isNull();

    hooks.failure = null;
    Object empty = Dispatcher.enterTool(7, new Object[] {"argument"});
    Dispatcher.exitTool(empty, null);

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [7, [argument]]",
            "toolReturned tool 7: [result]",
            "enterTool null: [7, [argument]]",
            "toolReturned tool 7: [secret]",
            "enterTool null: [7, [argument]]",
            "toolReturned tool 7: [result]",
            "enterTool null: [7, [argument]]");
  }

  @Test
  void outsideToolsNoCheckReachesTheHooksAndEachAnswersWhatItWasGiven() throws Exception {
    hooks.answer = "something else";

    assertThat(Dispatcher.checkFile("/a", Dispatcher.READ, null)).isEqualTo("/a");
    assertThat(Dispatcher.filterVariable("HOME")).isEqualTo("HOME");
    assertThat(Dispatcher.filterProperties("all")).isEqualTo("all");
    for (Callable<Object> check : everyCheck().values()) {
      check.call();
    }

    assertThat(hooks.calls).isEmpty();
  }

  @Test
  void insideAToolEachCheckReachesItsOwnHookWithTheToolsContext() throws Exception {
    Object frame = Dispatcher.enterTool(7, new Object[] {"argument"});
    for (Callable<Object> check : everyCheck().values()) {
      check.call();
    }
    Dispatcher.exitTool(frame);

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [7, [argument]]",
            "checkFile tool 7: [/a, 33, null]",
            "checkExec tool 7: [[true], null]",
            "checkConnect tool 7: [example.com, 443]",
            "checkListen tool 7: [null]",
            "filterVariable tool 7: [HOME]",
            "filterProperty tool 7: [user.home]",
            "filterVariables tool 7: [{HOME=/home}]",
            "filterProperties tool 7: [{}]",
            "filterProcessEnvironment tool 7: [{}]",
            "jvmAction tool 7: [exit the JVM]");
  }

  @Test
  void aNewFilesAttributesAreTheJdksOwnMadeBeforeTheCheck() {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    java.nio.file.attribute.FileAttribute<?> tools =
        new java.nio.file.attribute.FileAttribute<Object>() {
          @Override
          public String name() {
            asked.incrementAndGet();
            return "posix:permissions";
          }

          @Override
          public Object value() {
            asked.incrementAndGet();
            return java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
          }
        };
    java.nio.file.attribute.FileAttribute<?>[] given = {tools};
    assertThat(Dispatcher.snapshotAttributes(given)).as("outside tools").isSameAs(given);
    Object frame = Dispatcher.enterTool(1, new Object[0]);

    java.nio.file.attribute.FileAttribute<?>[] own =
        (java.nio.file.attribute.FileAttribute<?>[]) Dispatcher.snapshotAttributes(given);
    assertThat(asked).as("asked once, now").hasValue(2);
    assertThat(own[0]).isNotSameAs(tools);
    assertThat(own[0].getClass().getClassLoader()).as("the JDK's").isNull();
    assertThat(own[0].name()).isEqualTo("posix:permissions");
    assertThat(own[0].value())
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(asked).hasValue(2);
    java.nio.file.attribute.FileAttribute<?>[] owner = {
      new java.nio.file.attribute.FileAttribute<String>() {
        @Override
        public String name() {
          return "posix:owner";
        }

        @Override
        public String value() {
          return "root";
        }
      }
    };
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dispatcher.snapshotAttributes(owner))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("'posix:owner' not supported as initial attribute");
    Dispatcher.exitTool(frame);
  }

  @Test
  void whatTheHooksAnswerIsWhatTheJdkUses() {
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    hooks.answer = "\0not granted";

    assertThat(Dispatcher.checkFile("link", Dispatcher.READ | Dispatcher.RESOLVED, null))
        .isEqualTo("\0not granted");
    assertThat(Dispatcher.filterVariable("SECRET")).isEqualTo("\0not granted");
    assertThat(Dispatcher.filterProperty("secret")).isEqualTo("\0not granted");
    assertThat(Dispatcher.filterVariables(Map.of())).isEqualTo("\0not granted");
    Dispatcher.exitTool(frame);
  }

  @Test
  void aNestedToolIsDecidedWithItsOuterContextAndLeavingItRestoresTheOuter() {
    Object outer = Dispatcher.enterTool(1, new Object[0]);
    Object inner = Dispatcher.enterTool(2, new Object[0]);
    Dispatcher.checkFile("/in", Dispatcher.READ, null);
    Dispatcher.exitTool(inner);
    Dispatcher.checkFile("/out", Dispatcher.READ, null);
    Dispatcher.exitTool(outer);
    Dispatcher.checkFile("/none", Dispatcher.READ, null);

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [1, []]",
            "enterTool tool 1: [2, []]",
            "checkFile tool 2 in tool 1: [/in, 1, null]",
            "checkFile tool 1: [/out, 1, null]");
  }

  @Test
  void exitingAFrameThatIsNotOnThisThreadsStackChangesNothing() throws Exception {
    AtomicReference<Object> elsewhere = new AtomicReference<>();
    Thread other = new Thread(() -> elsewhere.set(Dispatcher.enterTool(9, new Object[0])));
    other.start();
    other.join();
    Object done = Dispatcher.enterTool(2, new Object[0]);
    Dispatcher.exitTool(done);
    Object frame = Dispatcher.enterTool(1, new Object[0]);

    Dispatcher.exitTool(elsewhere.get());
    Dispatcher.exitTool(done);
    Dispatcher.exitTool("a frame of my own");
    Dispatcher.exitTool(null);
    Dispatcher.checkFile("/still", Dispatcher.READ, null);
    Dispatcher.exitTool(frame);

    assertThat(hooks.calls).endsWith("checkFile tool 1: [/still, 1, null]");
    assertThat(ToolFrames.CURRENT.get()).isNull();
  }

  @Test
  void exitingAnOuterFrameLeavesEveryFrameAboveItToo() {
    Object outer = Dispatcher.enterTool(1, new Object[0]);
    Dispatcher.enterTool(2, new Object[0]);

    Dispatcher.exitTool(outer);

    assertThat(ToolFrames.CURRENT.get()).isNull();
  }

  @Test
  void whatACheckDoesWhileCheckingIsNotCheckedAgain() {
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    hooks.during =
        () -> {
          Dispatcher.checkFile("/the check's own read", Dispatcher.READ, null);
          Dispatcher.filterProperty("the check's own property");
        };

    Dispatcher.checkFile("/a", Dispatcher.READ, null);
    Dispatcher.jvmAction("exit the JVM");
    Dispatcher.exitTool(frame);

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [1, []]",
            "checkFile tool 1: [/a, 1, null]",
            "jvmAction tool 1: [exit the JVM]");
  }

  @Test
  void whatDecidingANestedCallDoesIsNotCheckedAsTheOuterTools() {
    Object outer = Dispatcher.enterTool(1, new Object[0]);
    hooks.during = () -> Dispatcher.checkFile("/the decision's own read", Dispatcher.READ, null);
    Object inner = Dispatcher.enterTool(2, new Object[0]);
    hooks.during = () -> {};
    Dispatcher.exitTool(inner);
    Dispatcher.checkFile("/a", Dispatcher.READ, null);
    Dispatcher.exitTool(outer);

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [1, []]",
            "enterTool tool 1: [2, []]",
            "checkFile tool 1: [/a, 1, null]");
  }

  @Test
  void aFailureWhileCheckingDeniesTheAccessAndSaysWhy() throws Exception {
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    hooks.failure = new IllegalStateException("policy unreadable");

    for (Map.Entry<String, Callable<Object>> check : everyCheck().entrySet()) {
      assertThatThrownBy(check.getValue()::call)
          .as(check.getKey())
          .isExactlyInstanceOf(SecurityException.class)
          .hasMessage(
              "toolguard could not check this access, so it was denied "
                  + "(java.lang.IllegalStateException: policy unreadable)")
          .hasNoCause();
    }
    hooks.failure = null;
    Dispatcher.checkFile("/after", Dispatcher.READ, null);
    Dispatcher.exitTool(frame);

    assertThat(hooks.calls)
        .as("the thread is not left checking")
        .endsWith("checkFile tool 1: [/after, 1, null]");
  }

  @Test
  void aDenialFromTheHooksReachesTheCallerAsItIs() throws Exception {
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    SecurityException denial = new SecurityException("Tool 'x' may not read '/etc/passwd'");
    hooks.failure = denial;

    for (Map.Entry<String, Callable<Object>> check : everyCheck().entrySet()) {
      assertThatThrownBy(check.getValue()::call).as(check.getKey()).isSameAs(denial);
    }
    Dispatcher.exitTool(frame);
  }

  @Test
  void aToolCallTheHooksCannotDecideIsDeniedAndEntersNoContext() {
    hooks.failure = new IllegalStateException("no rule");

    assertThatThrownBy(() -> Dispatcher.enterTool(1, new Object[0]))
        .isExactlyInstanceOf(SecurityException.class)
        .hasMessage(
            "toolguard could not check this tool call, so it was denied (java.lang.IllegalStateException: no rule)");
    assertThat(ToolFrames.CURRENT.get()).isNull();
  }

  @Test
  void withoutHooksEveryToolCallIsDenied() {
    Dispatcher.installForTests(null);

    assertThatThrownBy(() -> Dispatcher.enterTool(1, new Object[0]))
        .isExactlyInstanceOf(SecurityException.class)
        .hasMessage("toolguard is not initialised, so this tool call was denied");
  }

  @Test
  void aToolCallBeforeTheHooksWaitsForTheThreadThatInstallsThem() throws Exception {
    // At JVM start the hooks are installed beside main, and a tool may be called first.
    Dispatcher.installForTests(null);
    Thread installer =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              Dispatcher.installForTests(hooks);
            });
    Dispatcher.hooksAhead(installer);
    installer.start();

    Object frame = Dispatcher.enterTool(7, new Object[] {"argument"});

    assertThat(frame).isNotNull();
    assertThat(hooks.calls).anyMatch(call -> call.startsWith("enterTool"));
    Dispatcher.exitTool(frame);
    installer.join();
  }

  @Test
  void aToolCallBeforeTheHooksIsDeniedWhenTheirThreadEndsWithoutThem() throws Exception {
    Dispatcher.installForTests(null);
    Thread installer = new Thread(() -> {});
    Dispatcher.hooksAhead(installer);
    installer.start();

    assertThatThrownBy(() -> Dispatcher.enterTool(1, new Object[0]))
        .isExactlyInstanceOf(SecurityException.class)
        .hasMessage("toolguard is not initialised, so this tool call was denied");
    assertThat(ToolFrames.CURRENT.get()).isNull();
  }

  @Test
  void onlyTheNamedThreadMayInstallTheHooksAndNotOnceItSaidTheyWillNotCome() throws Exception {
    Dispatcher.installForTests(null);
    AtomicReference<Throwable> byInstaller = new AtomicReference<>();
    CountDownLatch named = new CountDownLatch(1);
    CountDownLatch tried = new CountDownLatch(1);
    Thread installer =
        new Thread(
            () -> {
              try {
                named.await();
                Dispatcher.hooksAhead(null);
                Dispatcher.install(hooks);
              } catch (Throwable refused) {
                byInstaller.set(refused);
              } finally {
                tried.countDown();
              }
            });
    installer.start();
    Dispatcher.hooksAhead(installer);

    // Code on another thread (the application's main) may neither install nor call them off.
    assertThatThrownBy(() -> Dispatcher.install(hooks))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("toolguard's hooks are installed by its own thread");
    named.countDown();
    tried.await();
    installer.join();

    // The named thread said they will not come; what runs on it later may not install them.
    assertThat(byInstaller.get())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("toolguard's hooks will not be installed in this JVM");
    assertThatThrownBy(() -> Dispatcher.enterTool(1, new Object[0]))
        .isExactlyInstanceOf(SecurityException.class)
        .hasMessage("toolguard is not initialised, so this tool call was denied");
  }

  @Test
  void namingAThreadOnceTheHooksAreInstalledChangesNothing() throws Exception {
    // A tool that names a thread of its own gains nothing: the hooks are in place already.
    Thread sleeper =
        new Thread(
            () -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException e) {
                // ended by the test
              }
            });
    sleeper.start();
    try {
      Dispatcher.hooksAhead(sleeper);
      Dispatcher.installForTests(null);
      long started = System.nanoTime();

      assertThatThrownBy(() -> Dispatcher.enterTool(1, new Object[0]))
          .isExactlyInstanceOf(SecurityException.class)
          .hasMessage("toolguard is not initialised, so this tool call was denied");
      assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
    } finally {
      sleeper.interrupt();
      sleeper.join();
    }
  }

  @Test
  void withoutHooksOutsideToolsEveryCheckAnswersWhatItWasGivenAndNoneFails() throws Exception {
    // At JVM start the JDK is woven before the hooks are installed, and its code runs meanwhile.
    Dispatcher.installForTests(null);

    assertThat(Dispatcher.checkFile("/a", Dispatcher.READ, null)).isEqualTo("/a");
    assertThat(Dispatcher.filterVariable("HOME")).isEqualTo("HOME");
    for (Callable<Object> check : everyCheck().values()) {
      check.call();
    }
    assertThat(Dispatcher.defineClass(new byte[] {1}, DispatcherTest.class, 2))
        .isEqualTo(new byte[] {1});
    assertThat(Dispatcher.weaveBorn(null, "a/B", new byte[] {2})).isEqualTo(new byte[] {2});
  }

  @Test
  void withoutHooksInsideAToolEveryCheckIsDeniedSayingSoNeverWithANullPointer() {
    Object frame = Dispatcher.enterTool(7, new Object[] {"argument"});
    Dispatcher.installForTests(null);

    for (Map.Entry<String, Callable<Object>> check : everyCheck().entrySet()) {
      assertThatThrownBy(check.getValue()::call)
          .as(check.getKey())
          .isExactlyInstanceOf(SecurityException.class)
          .hasMessage("toolguard is not initialised, so this access was denied");
    }
    Dispatcher.exitTool(frame, "result");
    assertThat(ToolFrames.CURRENT.get()).isNull();
  }

  @Test
  void installRefusesACopyOfTheBridgeThatTheBootstrapLoaderDidNotLoad() {
    ClassLoader loader = Dispatcher.class.getClassLoader();

    assertThatThrownBy(() -> Dispatcher.install(new RecordingHooks()))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "io.toolguard.bootstrap.Dispatcher is loaded by "
                + loader
                + ", not the bootstrap class loader: ")
        .hasMessageContaining("give toolguard only as -javaagent:toolguard-agent.jar");
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    Dispatcher.exitTool(frame);
    assertThat(hooks.calls)
        .as("the hooks are still the test's")
        .containsExactly("enterTool null: [1, []]");
  }

  @Test
  void insideAToolObjectsOfTheApplicationsClassesAreRefusedBeforeAnythingLooksAtThem() {
    java.util.Set<Object> ownSet =
        new java.util.AbstractSet<>() {
          @Override
          public java.util.Iterator<Object> iterator() {
            throw new AssertionError("the check ran the tool's code");
          }

          @Override
          public int size() {
            throw new AssertionError("the check ran the tool's code");
          }
        };
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Dispatcher.checkFile(ownSet, Dispatcher.READ, null))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("toolguard checks only the JDK's own objects")
          .hasMessageContaining(ownSet.getClass().getName());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Dispatcher.checkFile("/in/the/box", Dispatcher.OPEN, ownSet))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("this option is a");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  Dispatcher.snapshot(
                      new java.util.AbstractSet<Object>() {
                        @Override
                        public java.util.Iterator<Object> iterator() {
                          throw new SecurityException("the tool's own set ran as the tool's code");
                        }

                        @Override
                        public int size() {
                          return 1;
                        }
                      }))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("ran as the tool's code");
      Dispatcher.checkFile("/in/the/box", Dispatcher.OPEN, java.util.Set.of());
    } finally {
      Dispatcher.exitTool(frame);
    }
    assertThat(hooks.calls)
        .containsExactly("enterTool null: [1, []]", "checkFile tool 1: [/in/the/box, 64, []]");
    assertThat(Dispatcher.checkFile(ownSet, Dispatcher.READ, ownSet)).isSameAs(ownSet);
  }

  @Test
  void aProcessIsDecidedOnWhatTheJdkStartsWithAnEnvironmentNoToolHolds() {
    java.util.Map<String, String> held = new ProcessBuilder().environment();
    held.put("TOOLGUARD_TEST", "before");
    String[] command = {"ls", "-l"};
    ProcessBuilder.Redirect[] redirects = {
      ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.PIPE
    };
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    try {
      Object[] copied = (Object[]) Dispatcher.snapshot(redirects);
      @SuppressWarnings("unchecked")
      java.util.Map<String, String> started =
          (java.util.Map<String, String>) Dispatcher.checkExec(held, command, "/tmp", copied);
      held.put("TOOLGUARD_TEST", "changed by another thread");
      redirects[1] = ProcessBuilder.Redirect.to(new java.io.File("/elsewhere"));

      assertThat(copied)
          .isNotSameAs(redirects)
          .containsExactly(
              ProcessBuilder.Redirect.PIPE,
              ProcessBuilder.Redirect.INHERIT,
              ProcessBuilder.Redirect.PIPE);
      assertThat(started).isNotSameAs(held).containsEntry("TOOLGUARD_TEST", "before");
      assertThat(started.getClass()).isSameAs(held.getClass());
    } finally {
      Dispatcher.exitTool(frame);
    }
    assertThat(hooks.calls).contains("checkExec tool 1: [[ls, -l], /tmp]");
    assertThat(Dispatcher.checkExec(held, command, null, null)).as("outside tools").isSameAs(held);
    assertThat(Dispatcher.snapshot(redirects)).isSameAs(redirects);
  }

  @Test
  void optionsAreCopiedInsideToolsOnly() {
    java.util.Set<java.nio.file.OpenOption> options =
        new java.util.HashSet<>(java.util.Set.of(java.nio.file.StandardOpenOption.READ));
    assertThat(Dispatcher.snapshot(options)).isSameAs(options);
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    try {
      Object copy = Dispatcher.snapshot(options);
      options.add(java.nio.file.StandardOpenOption.WRITE);
      assertThat(copy)
          .isNotSameAs(options)
          .isEqualTo(java.util.Set.of(java.nio.file.StandardOpenOption.READ));
    } finally {
      Dispatcher.exitTool(frame);
    }
  }
}
